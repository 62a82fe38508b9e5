package org.fleetj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fleetj.testkit.LocalClusterOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code [X-Fleet] Global=} with every word fleet takes as true (in several cases) and words it does not, through both
 * fleetctl drivers: start, list-units, list-unit-files, status and destroy agree with each other and with what runs.
 * The report: {@code Global=yes} never started (fleetctl waited forever), because three parts of the code each had
 * their own idea of "global". Now one rule decides (fleet's: the last value is one of {@code true yes 1 on t}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GlobalUnitsIT {
    static final List<String> TRUE_WORDS = List.of("true", "yes", "1", "on", "t", "TRUE", "Yes", "ON", "T");
    static final List<String> OTHER_WORDS = List.of("false", "no", "0", "off", "f", "maybe");

    private FleetCluster c;

    @BeforeAll
    void boot() {
        c = FleetCluster.up(2, LocalClusterOptions.defaults());
    }

    @AfterAll
    void tearDown() {
        if (c != null) c.close();
    }

    /**
     * fleetctl's first etcd request loads gRPC and Netty in this (in-process) fleetctl, which took over 3 s on the
     * shared, loaded test machine: a longer --request-timeout keeps that cost out of what is tested here.
     */
    private static final String REQUEST_TIMEOUT = "15";

    @Test
    void everyWordWithTheEtcdDriver() {
        everyWord("etcd", Map.of("FLEETCTL_REQUEST_TIMEOUT", REQUEST_TIMEOUT));
    }

    @Test
    void everyWordWithTheApiDriver() {
        Map<String, String> env = new java.util.HashMap<>(c.local().apiDriverEnv(c.machine("m1")));
        env.put("FLEETCTL_REQUEST_TIMEOUT", REQUEST_TIMEOUT);
        everyWord("api", env);
    }

    private void everyWord(String driver, Map<String, String> env) {
        long t = System.nanoTime();
        Map<String, Boolean> units = new LinkedHashMap<>();
        List<String> files = new ArrayList<>();
        int i = 0;
        for (String w : TRUE_WORDS) units.put(unit(driver, i++, w, files), true);
        for (String w : OTHER_WORDS) units.put(unit(driver, i++, w, files), false);
        List<String> start = new ArrayList<>(List.of("start"));
        start.addAll(files);
        FleetCluster.Run started = c.fleetctl(env, start.toArray(String[]::new)).ok();
        for (Map.Entry<String, Boolean> u : units.entrySet()) {
            String name = u.getKey();
            if (u.getValue()) {
                assertTrue(started.out().contains("Triggered global unit " + name + " start"), driver + ": " + started.out());
                c.await(name + " runs on both machines", () -> c.runningOn(name).size() == 2);
            } else {
                assertTrue(started.out().contains("Unit " + name + " launched on "), driver + ": " + started.out());
                c.await(name + " runs on one machine", () -> c.runningOn(name).size() == 1);
            }
        }
        c.await("list-units shows every machine running each unit", () -> {
            List<String> rows = c.fleetctl(env, "list-units", "--no-legend", "--fields", "unit,active").ok().lines();
            return units.entrySet().stream().allMatch(u -> rows.stream().filter(r -> r.split("\t+")[0].equals(u.getKey())
                    && r.split("\t+")[1].equals("active")).count() == (u.getValue() ? 2 : 1));
        });
        List<String> files2 = c.fleetctl(env, "list-unit-files", "--no-legend", "--fields", "unit,global,target,dstate").ok().lines();
        for (Map.Entry<String, Boolean> u : units.entrySet()) {
            String row = files2.stream().filter(r -> r.startsWith(u.getKey() + "\t")).findFirst().orElseThrow(() -> new AssertionError(files2.toString()));
            String[] cols = row.split("\t+");
            assertEquals(String.valueOf(u.getValue()), cols[1], driver + ": " + row);
            assertEquals(u.getValue(), cols[2].equals("global"), driver + ": " + row);
            assertEquals("launched", cols[3], driver + ": " + row);
        }
        String[] ssh = {"--ssh-username", "root", "--identity-file", c.local().identityFile().toString(),
                "--known-hosts-file", c.local().knownHostsFile().toString()};
        for (Map.Entry<String, Boolean> u : units.entrySet()) {
            List<String> args = new ArrayList<>(List.of(ssh));
            args.addAll(List.of("status", u.getKey()));
            FleetCluster.Run status = c.fleetctl(env, args.toArray(String[]::new));
            assertEquals(0, status.exit(), driver + ": " + status);
            int shown = status.out().split("● " + java.util.regex.Pattern.quote(u.getKey()), -1).length - 1;
            assertEquals(u.getValue() ? 2 : 1, shown, driver + ": status shows the unit on each machine running it: " + status.out());
        }
        List<String> destroy = new ArrayList<>(List.of("destroy"));
        destroy.addAll(units.keySet());
        FleetCluster.Run destroyed = c.fleetctl(env, destroy.toArray(String[]::new)).ok();
        for (String name : units.keySet()) {
            assertTrue(destroyed.out().contains("Destroyed " + name), destroyed.out());
            c.await(name + " stopped everywhere", () -> c.runningOn(name).isEmpty());
        }
        FleetCluster.figure("global_words_" + driver, t);
    }

    private String unit(String driver, int i, String word, List<String> files) {
        String name = "g-" + driver + "-" + i + ".service";
        files.add(c.unitFile(name, "[Unit]\nDescription=Global=" + word + "\n\n[Service]\n"
                + "ExecStart=/bin/sh -c 'trap \"exit 0\" TERM; while :; do sleep 1; done'\n\n[X-Fleet]\nGlobal=" + word + "\n"));
        return name;
    }
}

package org.fleetj.fleetctl;

import static org.fleetj.fleetctl.SimFleet.M1;
import static org.fleetj.fleetctl.SimFleet.M2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The quick path (no picocli for list-units, list-machines, list-unit-files and version) must do exactly what
 * picocli does with the same line: same flags set, same defaults, same output and exit status; and it must
 * hand every other line to picocli.
 */
class QuickPathTest {

    @Command
    static final class Holder {
        @Mixin
        GlobalOptions options;
    }

    /** Every getter of the options, so two parses compare in one assertion. */
    private static String snapshot(GlobalOptions o) {
        return String.join("|", o.endpoint(), o.driver(), o.driverFlag(), o.etcdKeyPrefix(), o.caFile(), o.certFile(),
                o.keyFile(), o.knownHostsFile(), String.valueOf(o.strictHostKeyChecking()), o.sshUsername(),
                String.valueOf(o.sshTimeoutMillis()), o.tunnel(), String.valueOf(o.requestTimeoutMillis()),
                String.valueOf(o.debug()), o.identityFile(), o.apiToken());
    }

    private static GlobalOptions picocli(String... args) {
        Holder holder = new Holder();
        new CommandLine(holder).parseArgs(args);
        return holder.options;
    }

    @Test
    void theDefaultsAreThoseOfPicocli() {
        assertEquals(snapshot(picocli()), snapshot(new GlobalOptions()));
    }

    @Test
    void everyGlobalFlagLandsWherePicocliPutsIt() {
        for (String flag : EnvironmentOptions.FLAGS) {
            String value = EnvironmentOptions.BOOLEAN_FLAGS.contains(flag) ? "false"
                    : flag.endsWith("timeout") ? "7.5" : flag.equals("driver") ? "etcd" : "/some/" + flag;
            GlobalOptions quick = new GlobalOptions();
            assertTrue(quick.set(flag, value), flag);
            assertEquals(snapshot(picocli("--" + flag + "=" + value)), snapshot(quick), flag);
        }
    }

    @Test
    void valuesPicocliMustJudgeAreNotTaken() {
        assertNull(QuickPath.run(new String[]{"--request-timeout=soon", "list-units"}, Map.of(), null, null, null, null));
        assertNull(QuickPath.run(new String[]{"--debug=yes", "list-units"}, Map.of(), null, null, null, null));
        assertNull(QuickPath.run(new String[]{"--endpoint"}, Map.of(), null, null, null, null));
    }

    @Test
    void everyOtherLineGoesToPicocli() {
        String[][] lines = {
                {}, {"--help"}, {"help"}, {"list-units", "--help"}, {"list-units", "extra"}, {"list-units", "--bogus"},
                {"list-units", "--fields"}, {"--bogus", "list-units"}, {"cat", "hello"}, {"start", "a.service"},
                {"version", "extra"}, {"nonsense"}, {"list"}, {"list-u"}, {"--", "list-units"}, {"-x", "list-units"},
                {"list-units", "--version"}, {"--version", "list-units"},
        };
        for (String[] line : lines) {
            assertNull(QuickPath.run(line, Map.of(), null, null, null, null), String.join(" ", line));
        }
    }

    /** Runs one line through the quick path (asserting it takes it) and through picocli, against the same cluster. */
    private static void sameBothWays(SimFleet f, String... args) {
        List<String> all = new ArrayList<>(List.of("--endpoint=" + f.endpoint()));
        all.addAll(List.of(args));
        String[] argv = all.toArray(new String[0]);
        ByteArrayOutputStream quickOut = new ByteArrayOutputStream();
        ByteArrayOutputStream quickErr = new ByteArrayOutputStream();
        Integer quick = QuickPath.run(argv.clone(), Map.of(), new ByteArrayInputStream(new byte[0]),
                new PrintStream(quickOut, true, StandardCharsets.UTF_8), new PrintStream(quickErr, true, StandardCharsets.UTF_8),
                new DriverClientFactory());
        assertNotNull(quick, "the quick path should take: " + all);
        ByteArrayOutputStream slowOut = new ByteArrayOutputStream();
        ByteArrayOutputStream slowErr = new ByteArrayOutputStream();
        int slow = Fleetctl.runWithPicocli(argv.clone(), argv.clone(), Map.of(), new ByteArrayInputStream(new byte[0]),
                new PrintStream(slowOut, true, StandardCharsets.UTF_8), new PrintStream(slowErr, true, StandardCharsets.UTF_8),
                new DriverClientFactory());
        assertEquals(outcome(slow, slowOut, slowErr), outcome(quick, quickOut, quickErr), String.join(" ", args));
    }

    /** Exit status, stdout and stderr, with --debug's clock times blanked. */
    private static String outcome(int exit, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return "exit " + exit + "\n" + out.toString(StandardCharsets.UTF_8) + "---\n"
                + err.toString(StandardCharsets.UTF_8).replaceAll("(?m)^[0-9:.]+ DEBUG", "TIME DEBUG");
    }

    @Test
    void theQuickPathPrintsWhatPicocliPrints() {
        try (SimFleet f = new SimFleet(SimFleet.Transport.TCP)) {
            f.machine(M1, "10.0.0.1", Map.of("role", "web"));
            f.machine(M2, "10.0.0.2", Map.of());
            f.ctl("start", f.unitFile("hello.service", ListCommandsTest.HELLO).toString()).is(0,
                    "Unit hello.service inactive\nUnit hello.service launched on 3d1219c7.../10.0.0.1\n", "");
            f.ctl("submit", f.unitFile("idle.service", ListCommandsTest.IDLE).toString()).is(0, "Unit idle.service inactive\n", "");
            String[][] lines = {
                    {"list-units"}, {"list-units", "--no-legend", "-l"}, {"list-units", "--fields", "unit,hash,load"},
                    {"list-units", "--fields=machine", "--full"}, {"list-units", "-o", "json"}, {"list-units", "--output=yaml"},
                    {"list-units", "--fields=bogus"}, {"list-m"}, {"list-machines"}, {"list-machines", "--fields", "ip,metadata"},
                    {"list-unit-files"}, {"list-unit-files", "--fields=unit,dstate,tmachine", "--no-legend"},
                    {"list-unit-files", "-o", "json"}, {"--debug", "list-units"}, {"list-units", "--request-timeout", "2"},
                    {"version"}, {"--version"}, {"-v"}, {"--debug", "--version"},
            };
            for (String[] line : lines) sameBothWays(f, line);
        }
    }

    @Test
    void anUnreachableEndpointFailsAlikeBothWays() {
        {
            String[] argv = {"--endpoint=http://127.0.0.1:1", "--request-timeout=0.5", "list-units"};
            ByteArrayOutputStream quickErr = new ByteArrayOutputStream();
            Integer quick = QuickPath.run(argv.clone(), Map.of(), new ByteArrayInputStream(new byte[0]),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(quickErr, true, StandardCharsets.UTF_8), new DriverClientFactory());
            ByteArrayOutputStream slowErr = new ByteArrayOutputStream();
            int slow = Fleetctl.runWithPicocli(argv.clone(), argv.clone(), Map.of(), new ByteArrayInputStream(new byte[0]),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(slowErr, true, StandardCharsets.UTF_8), new DriverClientFactory());
            assertEquals(1, slow);
            assertEquals(Integer.valueOf(slow), quick);
            assertEquals(slowErr.toString(StandardCharsets.UTF_8), quickErr.toString(StandardCharsets.UTF_8));
        }
    }
}

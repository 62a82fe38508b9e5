package org.fleetj.scheduler.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.fleetj.scheduler.ClusterSnapshot;
import org.fleetj.scheduler.Machine;
import org.fleetj.scheduler.Plan;
import org.fleetj.scheduler.Task;
import org.fleetj.scheduler.UnitSpec;
import org.fleetj.unit.Resources;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitParseException;
import org.fleetj.unit.XFleet;

/**
 * A realistic, seeded cluster for the scheduler benchmarks: {@code units} units on {@code units / 10}
 * machines. Units are built from unit-file text through the unit parser, so specifiers ({@code %p},
 * {@code %i}) are expanded the way fleetd does it.
 *
 * <p>The mix (fractions of the units):
 * <ul>
 *   <li>10% template instances with {@code Conflicts=%p@*.service} (at most one per machine): one large
 *       service with an instance on half of the machines, the rest in services of 25 instances;</li>
 *   <li>5% sidekicks ({@code web-discovery@%i.service}, {@code MachineOf=web@%i.service}) of the large service;</li>
 *   <li>10% with MachineMetadata over several keys: single values, OR within a key, AND across keys,
 *       a negation, and a narrow rack requirement;</li>
 *   <li>0.2% pinned with {@code MachineID=} (8-character short ids);</li>
 *   <li>the rest plain units, one in ten with desired state loaded rather than launched.</li>
 * </ul>
 * Machines carry region, disk, role and rack metadata.
 */
public final class BenchCluster {

    private static final String[] REGIONS = {"us-east", "us-west", "eu-west", "ap-south"};
    private static final String[] DISKS = {"ssd", "hdd"};
    private static final String[] ROLES = {"web", "db", "cache", "batch"};
    private static final int RACKS = 20;
    private static final int SMALL_SERVICE_INSTANCES = 25;
    /** MachineMetadata requirements the metadata units cycle through, as [X-Fleet] lines. */
    private static final String[] METADATA = {
        "MachineMetadata=region=eu-west",
        "MachineMetadata=region=us-east\nMachineMetadata=region=us-west",
        "MachineMetadata=disk=ssd\nMachineMetadata=role=db",
        "MachineMetadata=region!=ap-south",
        "MachineMetadata=role=cache role=web\nMachineMetadata=disk=ssd",
        "MachineMetadata=rack=r07",
    };

    private final List<Machine> machines;
    private final List<UnitSpec> units;

    private BenchCluster(List<Machine> machines, List<UnitSpec> units) {
        this.machines = machines;
        this.units = units;
    }

    /** Generates the cluster for {@code unitCount} units (a multiple of 100) and the given seed. */
    public static BenchCluster generate(int unitCount, long seed) {
        return generate(unitCount, seed, false);
    }

    /**
     * With {@code placementRules}, the same mix under this project's rules: machines state a capacity (4, 8 or 16
     * CPUs; 8, 16 or 32 GiB), every unit requests CPU and memory (sidekicks and plain units 100m-400m, 128-512 MiB;
     * the rest twice that), and the small services' instances use {@code MaxPerMachine=1} and
     * {@code SpreadBy=region} instead of Conflicts.
     */
    public static BenchCluster generate(int unitCount, long seed, boolean placementRules) {
        if (unitCount < 100 || unitCount % 100 != 0) {
            throw new IllegalArgumentException("unit count must be a positive multiple of 100, got " + unitCount);
        }
        Random rnd = new Random(seed);
        int machineCount = unitCount / 10;
        List<Machine> machines = new ArrayList<>(machineCount);
        for (int i = 0; i < machineCount; i++) {
            Map<String, String> md = new LinkedHashMap<>();
            md.put("region", REGIONS[rnd.nextInt(REGIONS.length)]);
            md.put("disk", DISKS[rnd.nextInt(DISKS.length)]);
            md.put("role", ROLES[rnd.nextInt(ROLES.length)]);
            md.put("rack", String.format("r%02d", i % RACKS));
            String id = machineId(rnd);
            String ip = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
            if (placementRules) {
                int size = 1 << rnd.nextInt(3);
                machines.add(new Machine(id, ip, md, new Resources(4000L * size, (8L << 30) * size), Machine.Availability.SCHEDULABLE));
            } else {
                machines.add(new Machine(id, ip, md));
            }
        }

        List<UnitSpec> units = new ArrayList<>(unitCount);
        Map<String, XFleet> parsed = new HashMap<>();
        int conflicting = unitCount / 10;
        int webInstances = machineCount / 2;
        for (int i = 1; i <= webInstances; i++) {
            units.add(launched(parsed, "web@" + i + ".service", "Conflicts=%p@*.service" + request(placementRules, i, 2)));
            units.add(launched(parsed, "web-discovery@" + i + ".service", "MachineOf=web@%i.service" + request(placementRules, i, 1)));
        }
        for (int i = 0; i < conflicting - webInstances; i++) {
            String service = String.format("svc%03d", i / SMALL_SERVICE_INSTANCES);
            units.add(launched(parsed, service + "@" + (i % SMALL_SERVICE_INSTANCES + 1) + ".service",
                    placementRules ? "MaxPerMachine=1\nSpreadBy=region" + request(true, i, 2) : "Conflicts=%p@*.service"));
        }
        for (int i = 0; i < unitCount / 10; i++) {
            units.add(launched(parsed, String.format("meta-%05d.service", i), METADATA[i % METADATA.length] + request(placementRules, i, 2)));
        }
        int pinned = Math.max(1, unitCount / 500);
        for (int i = 0; i < pinned; i++) {
            String shortId = machines.get(rnd.nextInt(machineCount)).shortId();
            units.add(launched(parsed, String.format("pinned-%04d.service", i), "MachineID=" + shortId + request(placementRules, i, 1)));
        }
        for (int i = 0; units.size() < unitCount; i++) {
            UnitSpec plain = launched(parsed, String.format("app-%05d.service", i), request(placementRules, i, 1).strip());
            units.add(i % 10 == 9 ? new UnitSpec(plain.name(), plain.xfleet(), TargetState.LOADED, Optional.empty()) : plain);
        }
        return new BenchCluster(List.copyOf(machines), List.copyOf(units));
    }

    /** [X-Fleet] request lines (after a newline) for the {@code i}th unit of a kind, {@code factor} times the base; "" without rules. */
    private static String request(boolean placementRules, int i, int factor) {
        if (!placementRules) {
            return "";
        }
        int step = i % 4 + 1; // 1..4: 100m-400m, 128-512 MiB
        return "\nRequestCPU=" + (100 * step * factor) + "m\nRequestMemory=" + (128 * step * factor) + "M";
    }

    private static String machineId(Random rnd) {
        StringBuilder id = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            id.append(Character.forDigit(rnd.nextInt(16), 16));
        }
        return id.toString();
    }

    private static UnitSpec launched(Map<String, XFleet> cache, String name, String xfleetLines) {
        XFleet xfleet = cache.computeIfAbsent(name + "\n" + xfleetLines, k -> parse(name, xfleetLines));
        return UnitSpec.unscheduled(name, xfleet, TargetState.LAUNCHED);
    }

    private static XFleet parse(String name, String xfleetLines) {
        String text = "[Unit]\nDescription=" + name + "\n\n[Service]\nExecStart=/bin/sleep infinity\n"
                + (xfleetLines.isEmpty() ? "" : "\n[X-Fleet]\n" + xfleetLines + "\n");
        try {
            return XFleet.from(UnitFile.parse(text), name);
        } catch (UnitParseException e) {
            throw new IllegalStateException("benchmark unit " + name + " does not parse: " + e.getMessage(), e);
        }
    }

    public List<Machine> machines() {
        return machines;
    }

    public List<UnitSpec> units() {
        return units;
    }

    /** Every unit unscheduled: the cluster as it is right after all units were submitted. */
    public ClusterSnapshot empty() {
        return ClusterSnapshot.of(machines, units);
    }

    /**
     * The snapshot after the engine applied {@code plan} to {@code snapshot} (only SCHEDULE tasks are
     * expected when placing from empty; anything else is a benchmark setup error).
     */
    public static ClusterSnapshot apply(ClusterSnapshot snapshot, Plan plan) {
        Map<String, String> target = new HashMap<>();
        for (Task t : plan.tasks()) {
            if (t.kind() != Task.Kind.SCHEDULE) {
                throw new IllegalStateException("placing from empty planned " + t);
            }
            target.put(t.unit(), t.machine());
        }
        List<UnitSpec> placed = new ArrayList<>(snapshot.units().size());
        for (UnitSpec u : snapshot.units()) {
            String m = target.get(u.name());
            placed.add(m == null ? u : u.withTarget(Optional.of(m)));
        }
        return ClusterSnapshot.of(snapshot.machines(), placed);
    }
}

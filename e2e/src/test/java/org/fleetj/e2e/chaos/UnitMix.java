package org.fleetj.e2e.chaos;

import java.util.List;
import java.util.Optional;

/**
 * The units every scenario runs with: plain units, a Conflicts group (at most one per machine), a MachineOf pair
 * and a Global unit. Sized for 4 machines with one of them lost: 3 conflicting units still fit on 3 machines.
 */
final class UnitMix {
    static final String CONFLICT_GLOB = "chaos-conflict-*.service";
    static final List<ChaosUnit> UNITS = List.of(
            ChaosUnit.plain("chaos-plain-1.service"),
            ChaosUnit.plain("chaos-plain-2.service"),
            ChaosUnit.plain("chaos-plain-3.service"),
            ChaosUnit.plain("chaos-plain-4.service"),
            ChaosUnit.plain("chaos-plain-5.service"),
            ChaosUnit.conflicting("chaos-conflict-1.service", CONFLICT_GLOB),
            ChaosUnit.conflicting("chaos-conflict-2.service", CONFLICT_GLOB),
            ChaosUnit.conflicting("chaos-conflict-3.service", CONFLICT_GLOB),
            ChaosUnit.plain("chaos-web.service"),
            ChaosUnit.machineOf("chaos-web-sidecar.service", "chaos-web.service"),
            ChaosUnit.global("chaos-global.service"));

    /**
     * Plain units some scenarios start and destroy on top of the mix (a start during an engine change, a start right
     * after an outage): sampled and checked like the mix, absent most of the time.
     */
    static final List<ChaosUnit> PROBES = List.of(
            ChaosUnit.plain("chaos-after-outage.service"),
            ChaosUnit.plain("chaos-leaderless-1.service"),
            ChaosUnit.plain("chaos-leaderless-2.service"),
            ChaosUnit.plain("chaos-leaderless-3.service"),
            ChaosUnit.plain(MalformedRecordScenario.UNIT));

    private UnitMix() {
    }

    /** Every unit the samplers ask systemd about: the mix and the probes. */
    static List<String> sampledNames() {
        return java.util.stream.Stream.concat(UNITS.stream(), PROBES.stream()).map(ChaosUnit::name).toList();
    }

    /** Non-global sampled units: at most one machine may run each. */
    static List<ChaosUnit> sampledNonGlobal() {
        return java.util.stream.Stream.concat(UNITS.stream(), PROBES.stream()).filter(u -> !u.isGlobal()).toList();
    }

    static List<String> names() {
        return UNITS.stream().map(ChaosUnit::name).toList();
    }

    static Optional<ChaosUnit> find(String name) {
        return java.util.stream.Stream.concat(UNITS.stream(), PROBES.stream()).filter(u -> u.name().equals(name)).findFirst();
    }

    static List<ChaosUnit> nonGlobal() {
        return UNITS.stream().filter(u -> !u.isGlobal()).toList();
    }
}

package org.fleetj.e2e.chaos;

import java.util.Optional;

/**
 * One unit of the chaos mix and the placement rule it carries, as the checker must enforce it.
 *
 * @param name          e.g. chaos-plain-1.service
 * @param kind          which [X-Fleet] rule it exercises
 * @param conflictsGlob for {@link Kind#CONFLICT}: the Conflicts= glob (two matching units never share a machine)
 * @param machineOf     for {@link Kind#MACHINE_OF}: the unit it must run beside
 */
record ChaosUnit(String name, Kind kind, Optional<String> conflictsGlob, Optional<String> machineOf) {
    enum Kind { PLAIN, CONFLICT, MACHINE_OF, GLOBAL }

    static ChaosUnit plain(String name) {
        return new ChaosUnit(name, Kind.PLAIN, Optional.empty(), Optional.empty());
    }

    static ChaosUnit conflicting(String name, String glob) {
        return new ChaosUnit(name, Kind.CONFLICT, Optional.of(glob), Optional.empty());
    }

    static ChaosUnit machineOf(String name, String target) {
        return new ChaosUnit(name, Kind.MACHINE_OF, Optional.empty(), Optional.of(target));
    }

    static ChaosUnit global(String name) {
        return new ChaosUnit(name, Kind.GLOBAL, Optional.empty(), Optional.empty());
    }

    boolean isGlobal() {
        return kind == Kind.GLOBAL;
    }

    /** True when this unit's Conflicts= glob names {@code other} (fleet's rule is symmetric: either side suffices). */
    boolean conflictsWith(ChaosUnit other) {
        if (other.name.equals(name)) return false;
        return conflictsGlob.map(g -> globMatches(g, other.name)).orElse(false)
                || other.conflictsGlob.map(g -> globMatches(g, name)).orElse(false);
    }

    /** The unit file: a process that lives until stopped, and the [X-Fleet] rule. */
    String unitFile() {
        StringBuilder b = new StringBuilder("[Unit]\nDescription=chaos " + kind.name().toLowerCase(java.util.Locale.ROOT) + " unit\n\n"
                + "[Service]\nExecStart=/bin/sleep infinity\n");
        switch (kind) {
            case CONFLICT -> b.append("\n[X-Fleet]\nConflicts=").append(conflictsGlob.orElseThrow()).append('\n');
            case MACHINE_OF -> b.append("\n[X-Fleet]\nMachineOf=").append(machineOf.orElseThrow()).append('\n');
            case GLOBAL -> b.append("\n[X-Fleet]\nGlobal=true\n");
            case PLAIN -> { }
        }
        return b.toString();
    }

    /** The only glob form the mix uses: a literal prefix followed by '*' and a literal suffix, or a literal. */
    static boolean globMatches(String glob, String name) {
        int star = glob.indexOf('*');
        if (star < 0) return glob.equals(name);
        String pre = glob.substring(0, star);
        String post = glob.substring(star + 1);
        return name.length() >= pre.length() + post.length() && name.startsWith(pre) && name.endsWith(post);
    }
}

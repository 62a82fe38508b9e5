package org.fleetj.scheduler;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fleetj.unit.MetadataRequirement;
import org.fleetj.unit.UnitGlob;
import org.fleetj.unit.UnitParseException;
import org.fleetj.unit.XFleet;

/**
 * A unit's [X-Fleet] requirements compiled for fast checks: globs compiled once, literal globs kept as
 * plain names, metadata grouped by key. Shared by the engine's scheduler and {@link GlobalPlacement}.
 */
final class UnitRules {

    private final String name;
    private final Set<String> conflictNames;
    private final List<UnitGlob> conflictGlobs;
    private final Set<String> replacesNames;
    private final List<UnitGlob> replacesGlobs;
    /** Positive requirements: key to accepted values (OR within a key, AND across keys). */
    private final Map<String, Set<String>> required;
    /** Negated requirements: key to excluded values. */
    private final Map<String, Set<String>> excluded;

    UnitRules(String name, XFleet xfleet) {
        this.name = name;
        this.conflictNames = new HashSet<>();
        this.conflictGlobs = new ArrayList<>();
        compileGlobs(xfleet.conflicts(), conflictNames, conflictGlobs);
        this.replacesNames = new HashSet<>();
        this.replacesGlobs = new ArrayList<>();
        compileGlobs(xfleet.replaces(), replacesNames, replacesGlobs);
        this.required = new LinkedHashMap<>();
        this.excluded = new LinkedHashMap<>();
        for (MetadataRequirement r : xfleet.metadata()) {
            (r.negated() ? excluded : required).computeIfAbsent(r.key(), k -> new LinkedHashSet<>()).add(r.value());
        }
    }

    /**
     * Splits patterns into literal names (answered by set lookup) and real globs. A malformed glob matches
     * nothing, as in fleet; the unit-file parser is where such a glob should be refused.
     */
    private static void compileGlobs(List<String> patterns, Set<String> names, List<UnitGlob> globs) {
        for (String p : patterns) {
            try {
                UnitGlob g = UnitGlob.compile(p);
                if (g.isLiteral()) {
                    names.add(g.literalName());
                } else {
                    globs.add(g);
                }
            } catch (UnitParseException malformed) {
                // matches nothing
            }
        }
    }

    String name() {
        return name;
    }

    /** Whether this unit declares Conflicts or Replaces, i.e. can exclude others from its machine. */
    boolean excludesAny() {
        return !conflictNames.isEmpty() || !conflictGlobs.isEmpty() || replacesAny();
    }

    boolean replacesAny() {
        return !replacesNames.isEmpty() || !replacesGlobs.isEmpty();
    }

    /** Literal Conflicts/Replaces names, for index lookups. */
    Set<String> conflictNames() {
        return conflictNames;
    }

    Set<String> replacesNames() {
        return replacesNames;
    }

    /** Whether this unit has Conflicts/Replaces globs that need matching against every neighbour. */
    boolean hasWildcardExclusions() {
        return !conflictGlobs.isEmpty() || !replacesGlobs.isEmpty();
    }

    /** Whether one of this unit's Conflicts patterns matches {@code other} (never itself). */
    boolean conflictsWith(String other) {
        if (other.equals(name)) {
            return false;
        }
        if (conflictNames.contains(other)) {
            return true;
        }
        for (UnitGlob g : conflictGlobs) {
            if (g.matches(other)) {
                return true;
            }
        }
        return false;
    }

    /** Whether one of this unit's Replaces patterns matches {@code other} (never itself). */
    boolean replaces(String other) {
        if (other.equals(name)) {
            return false;
        }
        if (replacesNames.contains(other)) {
            return true;
        }
        for (UnitGlob g : replacesGlobs) {
            if (g.matches(other)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why this unit and {@code other} may not share machine {@code machine}, or null when they may.
     * Conflicts count both ways; a unit never shares a machine with a unit it replaces or that replaces it.
     */
    String exclusionWith(UnitRules other, String machine) {
        if (conflictsWith(other.name) || other.conflictsWith(name)) {
            return "conflicts with " + other.name + " on " + machine;
        }
        if (replaces(other.name)) {
            return "replaces " + other.name + ", which is on " + machine;
        }
        if (other.replaces(name)) {
            return "replaced by " + other.name + ", which is on " + machine;
        }
        return null;
    }

    /** Whether the unit states any MachineMetadata requirement. */
    boolean hasMetadataRequirements() {
        return !required.isEmpty() || !excluded.isEmpty();
    }

    /**
     * Why {@code metadata} does not satisfy this unit's MachineMetadata, or null when it does: for every
     * required key the machine's value is one of the listed values; for every {@code key!=value} the
     * machine's value is not that value (a machine without the key passes).
     */
    String metadataMismatch(Map<String, String> metadata) {
        for (Map.Entry<String, Set<String>> e : required.entrySet()) {
            String have = metadata.get(e.getKey());
            if (have == null || !e.getValue().contains(have)) {
                return "MachineMetadata " + e.getKey() + "=" + String.join("|", e.getValue()) + " not met ("
                        + (have == null ? "machine has no " + e.getKey() : "machine has " + e.getKey() + "=" + have) + ")";
            }
        }
        for (Map.Entry<String, Set<String>> e : excluded.entrySet()) {
            String have = metadata.get(e.getKey());
            if (have != null && e.getValue().contains(have)) {
                return "MachineMetadata " + e.getKey() + "!=" + have + " not met (machine has " + e.getKey() + "=" + have + ")";
            }
        }
        return null;
    }

    /** A short description of the metadata requirement, for "no machine passes ..." reasons. */
    String metadataDescription() {
        List<String> parts = new ArrayList<>();
        required.forEach((k, v) -> parts.add(k + "=" + String.join("|", v)));
        excluded.forEach((k, v) -> v.forEach(value -> parts.add(k + "!=" + value)));
        return String.join(", ", parts);
    }
}

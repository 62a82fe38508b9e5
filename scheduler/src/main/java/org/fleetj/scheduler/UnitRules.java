package org.fleetj.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    /** {@link #conflictGlobs} then {@link #replacesGlobs}: every glob that keeps a matching unit off this unit's machine. */
    private final List<UnitGlob> exclusionGlobs;
    private final MetadataFilter metadata;
    // Asked for every unit on every candidate machine: answered once here.
    private final boolean replacesAny;
    private final boolean excludesAny;
    private final boolean hasWildcardExclusions;

    UnitRules(String name, XFleet xfleet) {
        this(name, xfleet, new HashMap<>(0));
    }

    /**
     * Compiles {@code xfleet} for unit {@code name}, reusing and filling {@code compiled} (pattern to glob,
     * empty when malformed): the instances of one template share their globs, so a pass compiles each once.
     */
    UnitRules(String name, XFleet xfleet, Map<String, Optional<UnitGlob>> compiled) {
        this.name = name;
        if (xfleet.conflicts().isEmpty()) {
            this.conflictNames = Set.of();
            this.conflictGlobs = List.of();
        } else {
            this.conflictNames = new HashSet<>();
            this.conflictGlobs = new ArrayList<>(1);
            compileGlobs(xfleet.conflicts(), conflictNames, conflictGlobs, compiled);
        }
        if (xfleet.replaces().isEmpty()) {
            this.replacesNames = Set.of();
            this.replacesGlobs = List.of();
        } else {
            this.replacesNames = new HashSet<>();
            this.replacesGlobs = new ArrayList<>(1);
            compileGlobs(xfleet.replaces(), replacesNames, replacesGlobs, compiled);
        }
        if (replacesGlobs.isEmpty()) {
            this.exclusionGlobs = conflictGlobs;
        } else {
            List<UnitGlob> all = new ArrayList<>(conflictGlobs);
            all.addAll(replacesGlobs);
            this.exclusionGlobs = List.copyOf(all);
        }
        this.metadata = MetadataFilter.of(xfleet.metadata());
        this.replacesAny = !replacesNames.isEmpty() || !replacesGlobs.isEmpty();
        this.excludesAny = replacesAny || !conflictNames.isEmpty() || !conflictGlobs.isEmpty();
        this.hasWildcardExclusions = !conflictGlobs.isEmpty() || !replacesGlobs.isEmpty();
    }

    /**
     * Splits patterns into literal names (answered by set lookup) and real globs. A malformed glob matches
     * nothing, as in fleet; the unit-file parser is where such a glob should be refused.
     */
    private static void compileGlobs(List<String> patterns, Set<String> names, List<UnitGlob> globs,
                                     Map<String, Optional<UnitGlob>> compiled) {
        for (String p : patterns) {
            Optional<UnitGlob> glob = compiled.computeIfAbsent(p, UnitRules::compileOrNothing);
            if (glob.isEmpty()) {
                continue; // malformed: matches nothing
            }
            UnitGlob g = glob.get();
            if (g.isLiteral()) {
                names.add(g.literalName());
            } else {
                globs.add(g);
            }
        }
    }

    private static Optional<UnitGlob> compileOrNothing(String pattern) {
        try {
            return Optional.of(UnitGlob.compile(pattern));
        } catch (UnitParseException malformed) {
            return Optional.empty();
        }
    }

    String name() {
        return name;
    }

    /** Whether this unit declares Conflicts or Replaces, i.e. can exclude others from its machine. */
    boolean excludesAny() {
        return excludesAny;
    }

    boolean replacesAny() {
        return replacesAny;
    }

    /** Literal Conflicts/Replaces names, for index lookups. */
    Set<String> conflictNames() {
        return conflictNames;
    }

    Set<String> replacesNames() {
        return replacesNames;
    }

    /** The Conflicts and Replaces globs that are not plain names (a matching neighbour excludes this unit). */
    List<UnitGlob> exclusionGlobs() {
        return exclusionGlobs;
    }

    /** Whether this unit has Conflicts/Replaces globs that need matching against every neighbour. */
    boolean hasWildcardExclusions() {
        return hasWildcardExclusions;
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

    /** The unit's MachineMetadata requirements. */
    MetadataFilter metadata() {
        return metadata;
    }

    /** Whether the unit states any MachineMetadata requirement. */
    boolean hasMetadataRequirements() {
        return !metadata.isEmpty();
    }

    /**
     * Why {@code machineMetadata} does not satisfy this unit's MachineMetadata, or null when it does: for
     * every required key the machine's value is one of the listed values; for every {@code key!=value} the
     * machine's value is not that value (a machine without the key passes).
     */
    String metadataMismatch(Map<String, String> machineMetadata) {
        return metadata.mismatch(machineMetadata);
    }

    /** A short description of the metadata requirement, for "no machine passes ..." reasons. */
    String metadataDescription() {
        return metadata.description();
    }
}

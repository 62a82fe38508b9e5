package org.fleetj.unit;

import java.util.List;
import java.util.Optional;

/**
 * The validated, typed [X-Fleet] section of a unit, with fleet's specifiers (%n %N %p %i) already
 * expanded for the unit's own name. Immutable.
 *
 * @param machineId  MachineID (full 32-hex id or its 8-char prefix); empty when not set. Only the first value counts.
 * @param machineOf  MachineOf peers: every one must already be on the chosen machine.
 * @param metadata   MachineMetadata requirements: positives OR within one key, AND across keys; negations must all hold.
 * @param conflicts  Conflicts globs (values split on whitespace), checked both ways by the scheduler.
 * @param global     Global=true: runs on every machine that matches metadata (and conflicts); the last value wins.
 * @param replaces   Replaces: unit names (globs allowed) this unit takes the machine of.
 * @param placement  beyond fleet: resource requests, MaxPerMachine and SpreadBy ({@link PlacementRequests#NONE} when unused)
 */
public record XFleet(
        Optional<String> machineId,
        List<String> machineOf,
        List<MetadataRequirement> metadata,
        List<String> conflicts,
        boolean global,
        List<String> replaces,
        PlacementRequests placement) {

    /** A unit with no [X-Fleet] requirements. */
    public static final XFleet NONE = new XFleet(Optional.empty(), List.of(), List.of(), List.of(), false, List.of(), PlacementRequests.NONE);

    /** fleet's own [X-Fleet] requirements, without this project's placement options. */
    public XFleet(Optional<String> machineId, List<String> machineOf, List<MetadataRequirement> metadata,
                  List<String> conflicts, boolean global, List<String> replaces) {
        this(machineId, machineOf, metadata, conflicts, global, replaces, PlacementRequests.NONE);
    }

    /**
     * Parses and validates {@code unit}'s [X-Fleet] section for the unit named {@code unitName} (specifiers
     * such as {@code %i} are expanded for that name); see {@link XFleetParser} for the rules and
     * {@link XFleetParser#warnings} for what is merely warned about.
     *
     * @throws UnitParseException if the name is invalid ({@link InvalidUnitNameException}) or the
     *                            requirements are invalid; the message names the options involved
     */
    public static XFleet from(UnitFile unit, String unitName) throws UnitParseException {
        return XFleetParser.parse(unit, unitName);
    }

    public XFleet {
        machineOf = List.copyOf(machineOf);
        metadata = List.copyOf(metadata);
        conflicts = List.copyOf(conflicts);
        replaces = List.copyOf(replaces);
        placement = placement == null ? PlacementRequests.NONE : placement;
    }

    /** The same requirements with other placement options. */
    public XFleet withPlacement(PlacementRequests p) {
        return new XFleet(machineId, machineOf, metadata, conflicts, global, replaces, p);
    }
}

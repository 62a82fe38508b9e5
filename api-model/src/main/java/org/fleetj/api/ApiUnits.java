package org.fleetj.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitOption;
import org.fleetj.unit.XFleetParser;

/**
 * The fleet rules read off the API's Unit, in one place for fleetd's API, fleetctl's two drivers and the
 * registry: unit options to and from the API form, whether a unit is global, and a unit's current state.
 */
public final class ApiUnits {
    private ApiUnits() {
    }

    /** The API's options as a unit file; an option without section or value is the empty string, as fleet reads it. */
    public static UnitFile toUnitFile(List<ApiUnitOption> options) {
        List<UnitOption> out = new ArrayList<>(options.size());
        for (ApiUnitOption o : options) out.add(new UnitOption(orEmpty(o.section()), orEmpty(o.name()), orEmpty(o.value())));
        return UnitFile.of(out);
    }

    /** A unit file's options in the API's form, in file order. */
    public static List<ApiUnitOption> toOptions(UnitFile unit) {
        List<ApiUnitOption> out = new ArrayList<>(unit.options().size());
        for (UnitOption o : unit.options()) out.add(new ApiUnitOption(o.section(), o.name(), o.value()));
        return out;
    }

    /** fleet's rule ({@link XFleetParser#isGlobal(UnitFile, String)}): the last [X-Fleet] Global= is a true word. */
    public static boolean isGlobal(ApiUnit unit) {
        return isGlobal(unit.name() == null ? "" : unit.name(), unit.options());
    }

    public static boolean isGlobal(String unitName, List<ApiUnitOption> options) {
        return XFleetParser.isGlobal(toUnitFile(options), unitName);
    }

    /**
     * A unit's current state as fleet computes it: {@code inactive} when it is not scheduled or its machine has
     * not reported it yet, {@code launched} when that machine's agent applied "launched", else {@code loaded}.
     * Global units have no current state of their own (null); fleet's unit listing shows them as inactive
     * ({@link #listedCurrentState}).
     *
     * @param target  the machine the unit is scheduled to, if any
     * @param applied the state that machine's agent reports having applied, if it reported one
     */
    public static String currentState(boolean global, Optional<String> target, Optional<TargetState> applied) {
        if (global) return null;
        if (target.isEmpty() || applied.isEmpty()) return TargetState.INACTIVE.wireName();
        return (applied.get() == TargetState.LAUNCHED ? TargetState.LAUNCHED : TargetState.LOADED).wireName();
    }

    /** In {@code GET /units} (not in {@code GET /units/<name>}) fleet shows a global unit's current state as inactive. */
    public static String listedCurrentState(boolean global, Optional<String> target, Optional<TargetState> applied) {
        return global ? TargetState.INACTIVE.wireName() : currentState(false, target, applied);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}

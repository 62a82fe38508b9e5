package org.fleetj.registry.support;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitParseException;
import org.fleetj.unit.XFleet;

/**
 * Decides whether a unit is global ({@code [X-Fleet] Global=}), which the registry needs to keep its
 * {@code global/} index in step with the job, in the same transaction. Uses the unit parser's own reading;
 * a unit whose [X-Fleet] section is invalid (callers validate before submitting) falls back to the last
 * {@code Global} value being one of fleet's true words.
 */
public final class GlobalUnits {
    private static final Set<String> TRUE_WORDS = Set.of("true", "yes", "1", "on", "t");

    private GlobalUnits() {
    }

    public static boolean isGlobal(String unitName, UnitFile unit) {
        try {
            return XFleet.from(unit, unitName).global();
        } catch (UnitParseException | RuntimeException e) {
            List<String> values = unit.values("X-Fleet", "Global");
            return !values.isEmpty() && TRUE_WORDS.contains(values.get(values.size() - 1).trim().toLowerCase(Locale.ROOT));
        }
    }
}

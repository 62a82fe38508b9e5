package org.fleetj.fleetctl.client;

import java.util.ArrayList;
import java.util.List;
import org.fleetj.api.ApiUnitOption;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitOption;

/** Conversions between the API's option list and the unit model, and what fleetctl reads from options. */
public final class UnitOptions {
    private UnitOptions() {
    }

    public static UnitFile toUnitFile(List<ApiUnitOption> options) {
        List<UnitOption> out = new ArrayList<>(options.size());
        for (ApiUnitOption o : options) out.add(new UnitOption(o.section(), o.name(), o.value()));
        return UnitFile.of(out);
    }

    public static List<ApiUnitOption> toApi(UnitFile unit) {
        List<ApiUnitOption> out = new ArrayList<>(unit.options().size());
        for (UnitOption o : unit.options()) out.add(new ApiUnitOption(o.section(), o.name(), o.value()));
        return out;
    }

    /** fleet's test for a global unit: the last {@code [X-Fleet] Global=} value is "true". */
    public static boolean isGlobal(List<ApiUnitOption> options) {
        String last = null;
        for (ApiUnitOption o : options) {
            if ("X-Fleet".equals(o.section()) && "Global".equals(o.name())) last = o.value();
        }
        return last != null && last.trim().equalsIgnoreCase("true");
    }
}

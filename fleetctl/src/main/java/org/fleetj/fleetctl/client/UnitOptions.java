package org.fleetj.fleetctl.client;

import java.util.List;
import org.fleetj.api.ApiUnit;
import org.fleetj.api.ApiUnitOption;
import org.fleetj.api.ApiUnits;
import org.fleetj.unit.UnitFile;

/** What fleetctl reads from the API's options: the API model's own rules ({@link ApiUnits}), never a copy. */
public final class UnitOptions {
    private UnitOptions() {
    }

    public static UnitFile toUnitFile(List<ApiUnitOption> options) {
        return ApiUnits.toUnitFile(options);
    }

    public static List<ApiUnitOption> toApi(UnitFile unit) {
        return ApiUnits.toOptions(unit);
    }

    /** fleet's test for a global unit (the last {@code [X-Fleet] Global=} value is a true word). */
    public static boolean isGlobal(ApiUnit unit) {
        return ApiUnits.isGlobal(unit);
    }

    /** Beyond fleet: whether the unit is a one-shot job ({@code [X-Fleet] Job=true}, the rule of {@link org.fleetj.unit.JobOption}). */
    public static boolean isJob(ApiUnit unit) {
        return org.fleetj.unit.JobOption.isJob(toUnitFile(unit.options()));
    }
}

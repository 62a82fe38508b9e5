package org.fleetj.fleetd.api;

import java.util.List;
import org.fleetj.api.ApiMachine;
import org.fleetj.api.ApiUnit;
import org.fleetj.api.ApiUnitState;
import org.fleetj.api.ApiUnreadableRecord;
import org.fleetj.registry.UnreadableRecord;

/**
 * fleet v1's page entities; a null token (last page) and an empty list are left out on the wire, as fleet does. Beyond
 * fleet, the first page lists the records that cannot be read ({@link ApiUnreadableRecord}), left out when there are none.
 */
final class Pages {
    private Pages() {
    }

    record UnitPage(List<ApiUnit> units, String nextPageToken, List<ApiUnreadableRecord> unreadable) {
    }

    record UnitStatePage(List<ApiUnitState> states, String nextPageToken, List<ApiUnreadableRecord> unreadable) {
    }

    record MachinePage(List<ApiMachine> machines, String nextPageToken, List<ApiUnreadableRecord> unreadable) {
    }

    /** What a page carries of the records that cannot be read: all of them on the first page (no token), else none. */
    static List<ApiUnreadableRecord> unreadable(String token, List<UnreadableRecord> records) {
        if (token != null) return List.of();
        return records.stream().sorted(java.util.Comparator.comparing(UnreadableRecord::name).thenComparing(UnreadableRecord::key))
                .map(r -> new ApiUnreadableRecord(r.name(), r.key(), r.reason())).toList();
    }
}

package org.fleetj.fleetd.api;

import java.util.List;
import org.fleetj.api.ApiMachine;
import org.fleetj.api.ApiUnit;
import org.fleetj.api.ApiUnitState;

/** fleet v1's page entities; a null token (last page) and an empty list are left out on the wire, as fleet does. */
final class Pages {
    private Pages() {
    }

    record UnitPage(List<ApiUnit> units, String nextPageToken) {
    }

    record UnitStatePage(List<ApiUnitState> states, String nextPageToken) {
    }

    record MachinePage(List<ApiMachine> machines, String nextPageToken) {
    }
}

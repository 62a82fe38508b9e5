package org.fleetj.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class MachineIdsTest {

    @Test
    void aMachineIdIsShownByItsFirstEightCharactersAndAShortOneWhole() {
        assertEquals("0123abcd", MachineIds.shortId("0123abcd4567ef890123abcd4567ef89"));
        assertEquals("0123abcd", MachineIds.shortId("0123abcd"));
        assertEquals("m1", MachineIds.shortId("m1"));
    }

    @Test
    void theFailureSummaryElidesOnlyTheIdsItCuts() {
        ApiUnitFailures f = new ApiUnitFailures("web.service", 2, 1, "2026-12-03T10:00:00Z",
                "0123abcd4567ef890123abcd4567ef89", "exit code 1", List.of("m1", "fedcba9876543210fedcba9876543210"));
        assertEquals("Failure policy: 2 failure(s), last at 2026-12-03T10:00:00Z on 0123abcd... (exit code 1); "
                + "1 restart(s) in place within the window; moved away from m1, fedcba98...", f.summary());
    }
}

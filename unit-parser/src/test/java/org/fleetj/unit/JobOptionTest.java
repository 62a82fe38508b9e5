package org.fleetj.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JobOptionTest {
    private static UnitFile unit(String xfleet) throws UnitParseException {
        return UnitFile.parse("[Service]\nType=oneshot\nExecStart=/bin/true\n\n[X-Fleet]\n" + xfleet);
    }

    @Test
    void aUnitIsAJobOnlyWithATrueWord() throws Exception {
        assertTrue(JobOption.isJob(unit("Job=true\n")));
        assertTrue(JobOption.isJob(unit("Job=YES\n")));
        assertFalse(JobOption.isJob(unit("Job=false\n")));
        assertFalse(JobOption.isJob(unit("Conflicts=a*\n")));
        assertFalse(JobOption.isJob(UnitFile.parse("[Service]\nExecStart=/bin/true\n")));
        assertFalse(JobOption.isJob(unit("Job=yes\nJob=no\n")), "the last value wins");
    }

    @Test
    void submissionChecksTheValueAndNamesTheOption() throws Exception {
        assertTrue(JobOption.from(unit("Job=1\n"), XFleet.NONE));
        UnitParseException e = assertThrows(UnitParseException.class, () -> XFleet.from(unit("Job=sometimes\n"), "a.service"));
        assertEquals("Job=\"sometimes\" in [X-Fleet] section: expected true or false", e.getMessage());
    }

    @Test
    void aJobIsNeitherGlobalNorRestartedByTheFailurePolicy() throws Exception {
        UnitParseException e = assertThrows(UnitParseException.class, () -> XFleet.from(unit("Job=true\nGlobal=true\n"), "a.service"));
        assertTrue(e.getMessage().contains("Job cannot be combined with Global"), e.getMessage());
        e = assertThrows(UnitParseException.class, () -> XFleet.from(unit("Job=true\nRestartOnFailure=2\n"), "a.service"));
        assertTrue(e.getMessage().contains("Job cannot be combined with RestartOnFailure"), e.getMessage());
        // a job that is not one (Job=false) may have them
        XFleet.from(unit("Job=false\nRestartOnFailure=2\n"), "a.service");
    }

    @Test
    void theKeyIsNotWarnedAboutAsUnknown() throws Exception {
        assertEquals(List.of(), XFleetParser.warnings(unit("Job=true\n")));
    }
}

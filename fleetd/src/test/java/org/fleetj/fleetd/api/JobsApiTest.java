package org.fleetj.fleetd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.fleetj.registry.JobResult;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.Test;

/**
 * {@code /jobs} (beyond fleet): how one-shot jobs ended, one or all; 404 for a job without a result; fleet's own unit
 * entity unchanged; a bad {@code Job=} value is refused at submission naming the option.
 */
class JobsApiTest extends ApiServerTest {
    private static final String M1 = "3d1219c7c4c5404aaa1f6d2a48adfda4";

    JobsApiTest() {
        super(b -> b.tokenLimit(100));
    }

    @Test
    void resultsAreServedOneOrAllAndFleetsEntityIsUnchanged() throws Exception {
        UnitFile f = UnitFile.parse("[Service]\nType=oneshot\nExecStart=/bin/false\n\n[X-Fleet]\nJob=true\n");
        api.registry.createJob("backup.service", f, TargetState.LAUNCHED);
        assertEquals(404, http.get("/fleet/v1/jobs/backup.service").status(), "no result before it ran");
        Instant at = Instant.parse("2026-12-03T12:00:00Z");
        api.registry.putJobResult(new JobResult("backup.service", f.hash().hex(), M1, false, 3, "exited", "exit-code", at.minusSeconds(5), at));

        JsonNode one = JSON.readTree(http.get("/fleet/v1/jobs/backup.service").body());
        assertEquals("backup.service", one.get("name").asText());
        assertEquals("failed", one.get("result").asText());
        assertEquals(3, one.get("exitStatus").asInt());
        assertEquals("exited", one.get("exitCode").asText());
        assertEquals(M1, one.get("machineId").asText());
        assertEquals("2026-12-03T12:00:00Z", one.get("finishedAt").asText());
        assertEquals(f.hash().hex(), one.get("unitHash").asText());
        JsonNode all = JSON.readTree(http.get("/fleet/v1/jobs").body());
        assertEquals(1, all.get("jobs").size());
        assertEquals("backup.service", all.get("jobs").get(0).get("name").asText());

        String unit = new String(http.get("/fleet/v1/units/backup.service").body());
        assertFalse(unit.contains("exitStatus") || unit.contains("result"), "fleet's unit entity is unchanged: " + unit);
        assertEquals(405, http.put("/fleet/v1/jobs/backup.service", "{}").status());
    }

    @Test
    void aBadJobValueIsRefusedNamingTheOption() throws Exception {
        RawHttp.Response r = http.put("/fleet/v1/units/x.service", "{\"desiredState\":\"launched\",\"options\":["
                + "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/true\"},"
                + "{\"section\":\"X-Fleet\",\"name\":\"Job\",\"value\":\"sometimes\"}]}");
        assertEquals(400, r.status());
        assertTrue(new String(r.body()).contains("Job=\\\"sometimes\\\" in [X-Fleet] section"), new String(r.body()));
    }
}

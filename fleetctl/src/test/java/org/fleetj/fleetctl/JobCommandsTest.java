package org.fleetj.fleetctl;

import static org.fleetj.fleetctl.SimFleet.M1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.fleetj.fleetd.sim.SimulatedAgent;
import org.fleetj.registry.JobResult;
import org.junit.jupiter.api.Test;

/**
 * One-shot jobs in fleetctl (beyond fleet), against fleetd's real API server and engine with a simulated machine:
 * a blocking start returns once the job is launched, even when it then fails; list-unit-files shows the result only
 * when asked for it.
 */
class JobCommandsTest {
    static final String JOB = "[Service]\nType=oneshot\nExecStart=/usr/local/bin/report\n\n[X-Fleet]\nJob=true\n";

    @Test
    void aFailingJobStartsAndItsResultIsListedOnlyWhenAskedFor() {
        try (SimFleet f = new SimFleet(SimFleet.Transport.UNIX)) {
            SimulatedAgent m1 = f.machine(M1, "10.0.0.1", Map.of());
            m1.systemd().exitOnStart("report.service", 3);
            Cli.Result start = f.ctl("start", f.unitFile("report.service", JOB).toString());
            assertEquals(0, start.exit(), "a job is started when it is launched; how it ends is its result: " + start);
            SimFleet.await(() -> f.registry.jobResult("report.service").isPresent(), "the job's result");
            JobResult r = f.registry.jobResult("report.service").orElseThrow();

            f.ctl("list-unit-files", "--fields", "unit,result").is(0, "UNIT\t\tRESULT\nreport.service\tfailed (exit status 3) on "
                    + M1.substring(0, 8) + "... at " + r.finishedAt() + "\n", "");
            Cli.Result plain = f.ctl("list-unit-files", "--no-legend");
            assertTrue(plain.out().startsWith("report.service\t") && !plain.out().contains("failed"), "fleet's columns: " + plain.out());
            assertEquals(1, m1.systemd().starts("report.service"));
        }
    }
}

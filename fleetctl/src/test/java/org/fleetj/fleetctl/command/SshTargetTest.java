package org.fleetj.fleetctl.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.fleetj.api.ApiMachine;
import org.fleetj.api.ApiUnit;
import org.fleetj.api.ApiUnitOption;
import org.junit.jupiter.api.Test;

class SshTargetTest {
    private static final ApiMachine A = new ApiMachine("a1b2c3d4e5f60718293a4b5c6d7e8f90", "10.0.0.1", Map.of());
    private static final ApiMachine B = new ApiMachine("a1ff00000000000000000000000000bb", "10.0.0.2", Map.of());
    private static final ApiMachine C = new ApiMachine("c0ffee00000000000000000000000000", "10.0.0.3", Map.of());

    private final Map<String, ApiMachine> machines = new LinkedHashMap<>();
    private final Map<String, ApiUnit> units = new LinkedHashMap<>();

    SshTargetTest() {
        for (ApiMachine m : List.of(A, B, C)) machines.put(m.id(), m);
        unit("web.service", C.id(), false);
        unit("glob.service", null, true);
        unit("idle.service", null, false);
        unit("gone.service", "deadbeef000000000000000000000000", false);
        unit("a1b2.service", B.id(), false);   // a unit named like a machine prefix
    }

    private void unit(String name, String machine, boolean global) {
        List<ApiUnitOption> options = global ? List.of(new ApiUnitOption("X-Fleet", "Global", "true")) : List.of();
        units.put(name, new ApiUnit(name, options, "launched", machine == null ? "inactive" : "launched", machine));
    }

    private SshTarget resolve(String machineFlag, String unitFlag, String... args) {
        Function<String, Optional<ApiUnit>> lookup = n -> Optional.ofNullable(units.get(n));
        return SshTarget.resolve(machineFlag, unitFlag, List.of(args), machines, lookup);
    }

    private String failure(String machineFlag, String unitFlag, String... args) {
        return assertThrows(CommandFailedException.class, () -> resolve(machineFlag, unitFlag, args)).getMessage();
    }

    @Test
    void aMachineIsFoundByIdPrefixAndTheRestIsTheCommand() {
        SshTarget t = resolve(null, null, "c0f", "journalctl", "-n", "3");
        assertEquals(C, t.machine());
        assertEquals(List.of("journalctl", "-n", "3"), t.command());
        assertEquals(A, resolve(null, null, A.id()).machine());
    }

    @Test
    void theDashesBeforeTheCommandAreNotPartOfIt() {
        assertEquals(List.of("exit", "3"), resolve(null, null, "c0f", "--", "exit", "3").command());
        assertEquals(List.of("uptime"), resolve("c0f", null, "--", "uptime").command());
        assertEquals(C, resolve(null, null, "--", "c0f").machine());
        assertEquals(List.of("--", "x"), resolve(null, null, "c0f", "--", "--", "x").command());
    }

    @Test
    void aUnitLeadsToItsMachine() {
        assertEquals(C, resolve(null, null, "web").machine());
        assertEquals(C, resolve(null, null, "web.service", "hostname").machine());
        assertEquals(List.of("hostname"), resolve(null, null, "web.service", "hostname").command());
    }

    @Test
    void flagsSayWhichKindAndLeaveAllArgumentsToTheCommand() {
        assertEquals(B, resolve("a1ff", null).machine());
        SshTarget t = resolve(null, "web", "uptime");
        assertEquals(C, t.machine());
        assertEquals(List.of("uptime"), t.command());
        assertEquals("Both machine and unit flags provided, please specify only one.", failure("a1", "web"));
    }

    @Test
    void fleetsErrors() {
        assertEquals("Unable to proceed: one machine or unit must be provided", failure(null, null));
        assertEquals("Unable to proceed: found more than one machine", failure("a1", null));
        assertEquals("Unable to proceed: found more than one machine", failure(null, null, "a1"));
        assertEquals("Unable to proceed: machine does not exist", failure("ffff", null));
        assertEquals("Unable to proceed: unit does not exist", failure(null, "nope"));
        assertEquals("Unable to proceed: global units unsupported", failure(null, null, "glob"));
        assertEquals("Unable to proceed: global units unsupported", failure(null, "glob.service"));
        assertEquals("Unable to proceed: could not find matching unit or machine", failure(null, null, "nope"));
        assertEquals("Unable to proceed: ambiguous argument, both machine and unit found for `a1b2`.\n"
                + "Please use flag `-m` or `-u` to refine the search", failure(null, null, "a1b2"));
    }

    @Test
    void aUnitWithoutAUsableMachineSaysWhy() {
        assertEquals("Unable to proceed: unit idle.service is not scheduled to any machine", failure(null, null, "idle"));
        assertEquals("Unable to proceed: unit gone.service is scheduled to machine deadbeef000000000000000000000000, which is not in the cluster",
                failure(null, "gone"));
    }
}

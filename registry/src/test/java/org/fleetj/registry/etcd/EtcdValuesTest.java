package org.fleetj.registry.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.UnitState;
import org.fleetj.registry.UnreadableRecordException;
import org.fleetj.unit.Resources;
import org.fleetj.unit.TargetState;
import org.junit.jupiter.api.Test;

/**
 * The job, machine and unit-state values are read with the streaming parser ({@link FlatJson}) instead of data
 * binding: what they were read as before (Jackson's data binding of the same records) must not change, for what
 * fleetd writes, for values of older or newer writers (fields missing, unknown, numbers where strings belong), and
 * an unreadable value still names its key.
 */
class EtcdValuesTest {
    private static final ObjectMapper BINDING = new ObjectMapper();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void whatFleetdWritesReadsBackAsWritten() {
        EtcdValues.JobValue job = EtcdValues.job(EtcdValues.job("abc", TargetState.LAUNCHED, true), "/k/job/a");
        assertEquals(new EtcdValues.JobValue("abc", "launched", true), job);
        MachineState m = new MachineState("m1", "10.0.0.1", Map.of("role", "web", "disk", "ssd"), "0.1.0", new Resources(2000, 1 << 30),
                org.fleetj.registry.MachineAvailability.SCHEDULABLE, "https://10.0.0.1:49153");
        assertEquals(m, EtcdValues.machine(EtcdValues.machine(m, "host1"), "/k/machine/m1").state());
        assertEquals("host1", EtcdValues.machine(EtcdValues.machine(m, "host1"), "/k/machine/m1").hostname());
        UnitState s = new UnitState("a.service", "m1", "abc", "loaded", "active", "running", TargetState.LAUNCHED);
        assertEquals(s, EtcdValues.state("a.service", "m1", EtcdValues.state(s), "/k/state/a.service/m1"));
    }

    @Test
    void readsWhatDataBindingRead() throws Exception {
        List<String> jobs = List.of("{\"hash\":\"h\",\"desiredState\":\"loaded\"}", "{\"hash\":\"h\",\"desiredState\":\"loaded\",\"global\":true,"
                + "\"extra\":[1,{\"x\":[2]}],\"more\":{\"a\":{\"b\":1}}}", "{\"hash\":5,\"desiredState\":\"inactive\",\"global\":false}",
                "{\"hash\":\"h\",\"desiredState\":\"launched\",\"global\":null}", "{\"hash\":\"h\",\"desiredState\":\"launched\"} trailing");
        for (String j : jobs) {
            assertEquals(BINDING.readValue(j, EtcdValues.JobValue.class), EtcdValues.job(bytes(j), "/k/job/a"), j);
        }
        List<String> states = List.of("{\"hash\":\"h\",\"loadState\":\"loaded\",\"activeState\":\"active\",\"subState\":\"running\",\"applied\":\"launched\"}",
                "{\"hash\":\"h\",\"applied\":\"inactive\",\"new\":{\"field\":true}}");
        for (String j : states) {
            EtcdValues.StateValue v = BINDING.readValue(j, EtcdValues.StateValue.class);
            UnitState bound = new UnitState("a", "m", v.hash(), v.loadState(), v.activeState(), v.subState(), TargetState.fromWire(v.applied()));
            assertEquals(bound, EtcdValues.state("a", "m", bytes(j), "/k/state/a/m"), j);
        }
        List<String> machines = List.of("{\"id\":\"m1\",\"publicIp\":\"10.0.0.1\",\"metadata\":{\"role\":\"web\",\"n\":5},\"version\":\"0.1.0\"}",
                "{\"id\":\"m1\",\"publicIp\":\"10.0.0.1\",\"metadata\":{},\"cpuMillis\":\"1500\",\"memoryBytes\":1024}",
                "{\"id\":\"m1\",\"metadata\":{},\"cpuMillis\":null,\"unknown\":[\"x\"]}");
        for (String j : machines) {
            assertEquals(BINDING.readValue(j, EtcdValues.MachineValue.class), EtcdValues.machine(bytes(j), "/k/machine/m1"), j);
        }
    }

    @Test
    void anUnreadableValueNamesItsKeyAndWhatIsWrong() {
        for (String bad : List.of("{not json", "null", "[1,2", "\"text\"", "{\"desiredState\":\"launched\"}",
                "{\"hash\":\"h\",\"desiredState\":\"running\"}", "{\"hash\":\"h\",\"desiredState\":\"launched\",\"global\":\"maybe\"}",
                "{\"hash\":{\"a\":1},\"desiredState\":\"launched\"}", "{\"hash\":\"h\"", "")) {
            UnreadableRecordException e = assertThrows(UnreadableRecordException.class, () -> EtcdValues.job(bytes(bad), "/k/job/a"), bad);
            assertEquals("/k/job/a", e.key());
            assertTrue(e.getMessage().startsWith("etcd key /k/job/a holds a value that is not a valid JobValue ("), e.getMessage());
        }
        UnreadableRecordException e = assertThrows(UnreadableRecordException.class,
                () -> EtcdValues.machine(bytes("{\"id\":\"m1\",\"metadata\":{\"a\":[1]}}"), "/k/machine/m1"));
        assertTrue(e.getMessage().contains("metadata"), e.getMessage());
        assertThrows(UnreadableRecordException.class, () -> EtcdValues.machine(bytes("{\"id\":\"m1\",\"metadata\":{},\"cpuMillis\":\"lots\"}"),
                "/k/machine/m1"));
    }
}

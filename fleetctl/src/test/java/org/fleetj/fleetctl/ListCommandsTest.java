package org.fleetj.fleetctl;

import static org.fleetj.fleetctl.SimFleet.M1;
import static org.fleetj.fleetctl.SimFleet.M2;
import static org.fleetj.fleetctl.SimFleet.M3;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * list-machines, list-unit-files and list-units against fleetd's real API server and engine with
 * simulated machines, over the unix socket and over TCP: every field, --full/-l, --no-legend, -o json,
 * ordering, and how machines are named. Tables are Go tabwriter output (TAB padded), as fleet prints them.
 */
class ListCommandsTest {
    /** fleet's own example unit: its hash is 524c784 in fleet's captured output. */
    static final String HELLO = "[Unit]\nDescription=Hello loop\n\n[Service]\nExecStart=/bin/sh -c 'while true; do echo hi; sleep 1; done'\n";
    static final String DB = "[Unit]\nDescription=Database\n\n[Service]\nExecStart=/bin/sleep 1000\n\n[X-Fleet]\nMachineID=" + M3 + "\n";
    static final String GLOB = "[Service]\nExecStart=/bin/sleep 1000\n\n[X-Fleet]\nGlobal=true\n";
    static final String IDLE = "[Service]\nExecStart=/bin/sleep 1000\n";

    /** Three machines (one without IP); hello launched on M1, db loaded on M3, glob global everywhere, idle submitted. */
    private static SimFleet cluster(SimFleet.Transport transport) {
        SimFleet f = new SimFleet(transport);
        f.machine(M1, "10.0.0.1", Map.of("role", "web", "region", "us"));
        f.machine(M2, "10.0.0.2", Map.of());
        f.machine(M3, "", Map.of("role", "db"));
        f.ctl("start", f.unitFile("hello.service", HELLO).toString()).is(0,
                "Unit hello.service inactive\nUnit hello.service launched on 3d1219c7.../10.0.0.1\n", "");
        f.ctl("load", f.unitFile("db.service", DB).toString()).is(0, "Unit db.service inactive\nUnit db.service loaded on a1b2c3d4...\n", "");
        f.ctl("start", f.unitFile("glob.service", GLOB).toString()).is(0,
                "Unit glob.service inactive\nTriggered global unit glob.service start\n", "");
        f.ctl("submit", f.unitFile("idle.service", IDLE).toString()).is(0, "Unit idle.service inactive\n", "");
        // a global unit is not waited for: let every machine report it before listing
        SimFleet.await(() -> f.registry.unitStates().stream().filter(s -> s.name().equals("glob.service")).count() == 3, "glob on 3 machines");
        return f;
    }

    @ParameterizedTest
    @EnumSource(SimFleet.Transport.class)
    void listMachines(SimFleet.Transport transport) {
        try (SimFleet f = cluster(transport)) {
            String table = "MACHINE\t\tIP\t\tMETADATA\n"
                    + "3d1219c7...\t10.0.0.1\tregion=us,role=web\n"
                    + "6e1b9fae...\t10.0.0.2\t-\n"
                    + "a1b2c3d4...\t-\t\trole=db\n";
            f.ctl("list-machines").is(0, table, "");
            f.ctl("list-machines", "--no-legend").is(0, table.substring(table.indexOf('\n') + 1), "");
            String full = "MACHINE\t\t\t\t\tIP\t\tMETADATA\n"
                    + M1 + "\t10.0.0.1\tregion=us,role=web\n"
                    + M2 + "\t10.0.0.2\t-\n"
                    + M3 + "\t-\t\trole=db\n";
            f.ctl("list-machines", "--full").is(0, full, "");
            f.ctl("list-machines", "-l").is(0, full, "");
            f.ctl("list-machines", "--fields", "ip,machine").is(0, "IP\t\tMACHINE\n10.0.0.1\t3d1219c7...\n10.0.0.2\t6e1b9fae...\n-\t\ta1b2c3d4...\n", "");
            f.ctl("list-machines", "--fields", "metadata", "--no-legend").is(0, "region=us,role=web\n-\nrole=db\n", "");
            f.ctl("list-machines", "-o", "json").is(0, "[{\"id\":\"" + M1 + "\",\"metadata\":{\"region\":\"us\",\"role\":\"web\"},\"primaryIP\":\"10.0.0.1\"},"
                    + "{\"id\":\"" + M2 + "\",\"metadata\":{},\"primaryIP\":\"10.0.0.2\"},"
                    + "{\"id\":\"" + M3 + "\",\"metadata\":{\"role\":\"db\"}}]\n", "");
            f.ctl("list-machines", "-o", "table", "--fields", "machine").is(0, "MACHINE\n3d1219c7...\n6e1b9fae...\na1b2c3d4...\n", "");
        }
    }

    @ParameterizedTest
    @EnumSource(SimFleet.Transport.class)
    void listUnitFiles(SimFleet.Transport transport) {
        try (SimFleet f = cluster(transport)) {
            String table = "UNIT\t\tHASH\tDSTATE\t\tSTATE\t\tTARGET\n"
                    + "db.service\t4916828\tloaded\t\tloaded\t\ta1b2c3d4...\n"
                    + "glob.service\t627317e\tlaunched\t-\t\tglobal\n"
                    + "hello.service\t524c784\tlaunched\tlaunched\t3d1219c7.../10.0.0.1\n"
                    + "idle.service\t2d432f4\tinactive\tinactive\t-\n";
            f.ctl("list-unit-files").is(0, table, "");
            f.ctl("list-unit-files", "--no-legend").is(0, table.substring(table.indexOf('\n') + 1), "");
            f.ctl("list-unit-files", "--full").is(0, "UNIT\t\tHASH\t\t\t\t\t\tDSTATE\t\tSTATE\t\tTARGET\n"
                    + "db.service\t4916828982a3f0d135fbfa275e9c6ec48ee1ef35\tloaded\t\tloaded\t\t" + M3 + "\n"
                    + "glob.service\t627317e4568b10c95c9ba4900ee65803584fb893\tlaunched\t-\t\tglobal\n"
                    + "hello.service\t524c78430e3344e72e932522ab019c53b09e58ed\tlaunched\tlaunched\t" + M1 + "/10.0.0.1\n"
                    + "idle.service\t2d432f4a06608c1a8b2848b66c836793a1d48ce6\tinactive\tinactive\t-\n", "");
            f.ctl("list-unit-files", "-l", "--fields", "unit,target", "--no-legend").is(0,
                    "db.service\t" + M3 + "\nglob.service\tglobal\nhello.service\t" + M1 + "/10.0.0.1\nidle.service\t-\n", "");
            f.ctl("list-unit-files", "--fields", "unit,desc,global").is(0, "UNIT\t\tDESC\t\tGLOBAL\n"
                    + "db.service\tDatabase\tfalse\n"
                    + "glob.service\t-\t\ttrue\n"
                    + "hello.service\tHello loop\tfalse\n"
                    + "idle.service\t-\t\tfalse\n", "");
            f.ctl("list-unit-files", "--fields", "dstate,state,hash,unit", "--no-legend").is(0,
                    "loaded\t\tloaded\t\t4916828\tdb.service\n"
                            + "launched\t-\t\t627317e\tglob.service\n"
                            + "launched\tlaunched\t524c784\thello.service\n"
                            + "inactive\tinactive\t2d432f4\tidle.service\n", "");
            f.ctl("list-unit-files", "--fields", "unit,tmachine").is(0, "UNIT\t\tTMACHINE\n"
                    + "db.service\ta1b2c3d4...\nglob.service\tglobal\nhello.service\t3d1219c7.../10.0.0.1\nidle.service\t-\n",
                    "WARNING: The \"tmachine\" field is deprecated. Use \"target\" instead\n");
            f.ctl("list-unit-files", "-o", "json").is(0, "["
                    + "{\"currentState\":\"loaded\",\"desiredState\":\"loaded\",\"machineID\":\"" + M3 + "\",\"name\":\"db.service\",\"options\":["
                    + "{\"name\":\"Description\",\"section\":\"Unit\",\"value\":\"Database\"},"
                    + "{\"name\":\"ExecStart\",\"section\":\"Service\",\"value\":\"/bin/sleep 1000\"},"
                    + "{\"name\":\"MachineID\",\"section\":\"X-Fleet\",\"value\":\"" + M3 + "\"}]},"
                    + "{\"currentState\":\"inactive\",\"desiredState\":\"launched\",\"name\":\"glob.service\",\"options\":["
                    + "{\"name\":\"ExecStart\",\"section\":\"Service\",\"value\":\"/bin/sleep 1000\"},"
                    + "{\"name\":\"Global\",\"section\":\"X-Fleet\",\"value\":\"true\"}]},"
                    + "{\"currentState\":\"launched\",\"desiredState\":\"launched\",\"machineID\":\"" + M1 + "\",\"name\":\"hello.service\",\"options\":["
                    + "{\"name\":\"Description\",\"section\":\"Unit\",\"value\":\"Hello loop\"},"
                    + "{\"name\":\"ExecStart\",\"section\":\"Service\",\"value\":\"/bin/sh -c 'while true; do echo hi; sleep 1; done'\"}]},"
                    + "{\"currentState\":\"inactive\",\"desiredState\":\"inactive\",\"name\":\"idle.service\",\"options\":["
                    + "{\"name\":\"ExecStart\",\"section\":\"Service\",\"value\":\"/bin/sleep 1000\"}]}]\n", "");
        }
    }

    @ParameterizedTest
    @EnumSource(SimFleet.Transport.class)
    void listUnits(SimFleet.Transport transport) {
        try (SimFleet f = cluster(transport)) {
            String table = "UNIT\t\tMACHINE\t\t\tACTIVE\t\tSUB\n"
                    + "db.service\ta1b2c3d4...\t\tinactive\tdead\n"
                    + "glob.service\t3d1219c7.../10.0.0.1\tactive\t\trunning\n"
                    + "glob.service\t6e1b9fae.../10.0.0.2\tactive\t\trunning\n"
                    + "glob.service\ta1b2c3d4...\t\tactive\t\trunning\n"
                    + "hello.service\t3d1219c7.../10.0.0.1\tactive\t\trunning\n";
            f.ctl("list-units").is(0, table, "");
            f.ctl("list-units", "--no-legend").is(0, table.substring(table.indexOf('\n') + 1), "");
            f.ctl("list-units", "--fields", "unit,load,active,sub,hash,machine").is(0, "UNIT\t\tLOAD\tACTIVE\t\tSUB\tHASH\tMACHINE\n"
                    + "db.service\tloaded\tinactive\tdead\t4916828\ta1b2c3d4...\n"
                    + "glob.service\tloaded\tactive\t\trunning\t627317e\t3d1219c7.../10.0.0.1\n"
                    + "glob.service\tloaded\tactive\t\trunning\t627317e\t6e1b9fae.../10.0.0.2\n"
                    + "glob.service\tloaded\tactive\t\trunning\t627317e\ta1b2c3d4...\n"
                    + "hello.service\tloaded\tactive\t\trunning\t524c784\t3d1219c7.../10.0.0.1\n", "");
            String full = "UNIT\t\tMACHINE\t\t\t\t\t\tACTIVE\t\tSUB\n"
                    + "db.service\t" + M3 + "\t\tinactive\tdead\n"
                    + "glob.service\t" + M1 + "/10.0.0.1\tactive\t\trunning\n"
                    + "glob.service\t" + M2 + "/10.0.0.2\tactive\t\trunning\n"
                    + "glob.service\t" + M3 + "\t\tactive\t\trunning\n"
                    + "hello.service\t" + M1 + "/10.0.0.1\tactive\t\trunning\n";
            f.ctl("list-units", "--full").is(0, full, "");
            f.ctl("list-units", "-l").is(0, full, "");
            f.ctl("list-units", "-l", "--fields", "hash", "--no-legend").is(0, "4916828982a3f0d135fbfa275e9c6ec48ee1ef35\n"
                    + "627317e4568b10c95c9ba4900ee65803584fb893\n627317e4568b10c95c9ba4900ee65803584fb893\n627317e4568b10c95c9ba4900ee65803584fb893\n"
                    + "524c78430e3344e72e932522ab019c53b09e58ed\n", "");
            f.ctl("list-units", "-o", "json").is(0, "["
                    + "{\"hash\":\"4916828982a3f0d135fbfa275e9c6ec48ee1ef35\",\"machineID\":\"" + M3 + "\",\"name\":\"db.service\","
                    + "\"systemdActiveState\":\"inactive\",\"systemdLoadState\":\"loaded\",\"systemdSubState\":\"dead\"},"
                    + "{\"hash\":\"627317e4568b10c95c9ba4900ee65803584fb893\",\"machineID\":\"" + M1 + "\",\"name\":\"glob.service\","
                    + "\"systemdActiveState\":\"active\",\"systemdLoadState\":\"loaded\",\"systemdSubState\":\"running\"},"
                    + "{\"hash\":\"627317e4568b10c95c9ba4900ee65803584fb893\",\"machineID\":\"" + M2 + "\",\"name\":\"glob.service\","
                    + "\"systemdActiveState\":\"active\",\"systemdLoadState\":\"loaded\",\"systemdSubState\":\"running\"},"
                    + "{\"hash\":\"627317e4568b10c95c9ba4900ee65803584fb893\",\"machineID\":\"" + M3 + "\",\"name\":\"glob.service\","
                    + "\"systemdActiveState\":\"active\",\"systemdLoadState\":\"loaded\",\"systemdSubState\":\"running\"},"
                    + "{\"hash\":\"524c78430e3344e72e932522ab019c53b09e58ed\",\"machineID\":\"" + M1 + "\",\"name\":\"hello.service\","
                    + "\"systemdActiveState\":\"active\",\"systemdLoadState\":\"loaded\",\"systemdSubState\":\"running\"}]\n", "");
        }
    }

    @ParameterizedTest
    @EnumSource(SimFleet.Transport.class)
    void emptyClusterListsOnlyTheLegends(SimFleet.Transport transport) {
        try (SimFleet f = new SimFleet(transport)) {
            f.ctl("list-machines").is(0, "MACHINE\tIP\tMETADATA\n", "");
            f.ctl("list-units").is(0, "UNIT\tMACHINE\tACTIVE\tSUB\n", "");
            f.ctl("list-unit-files").is(0, "UNIT\tHASH\tDSTATE\tSTATE\tTARGET\n", "");
            f.ctl("list-unit-files", "--no-legend").is(0, "", "");
            f.ctl("list-units", "-o", "json").is(0, "[]\n", "");
            f.ctl("list-unit-files", "-o", "json").is(0, "[]\n", "");
            f.ctl("list-machines", "-o", "json").is(0, "[]\n", "");
        }
    }

    /** fleet's captured single-machine session, line for line (etcd driver there, the API here: same tables). */
    @ParameterizedTest
    @EnumSource(SimFleet.Transport.class)
    void fleetCapturedSession(SimFleet.Transport transport) {
        try (SimFleet f = new SimFleet(transport)) {
            f.machine("3d1219c7c4c5404aaa1f6d2a48adfda4", "127.0.0.1", Map.of("region", "local", "role", "peer"));
            String hello = f.unitFile("hello.service", HELLO).toString();
            f.ctl("list-machines").is(0, "MACHINE\t\tIP\t\tMETADATA\n3d1219c7...\t127.0.0.1\tregion=local,role=peer\n", "");
            f.ctl("submit", hello).is(0, "Unit hello.service inactive\n", "");
            f.ctl("list-unit-files").is(0, "UNIT\t\tHASH\tDSTATE\t\tSTATE\t\tTARGET\nhello.service\t524c784\tinactive\tinactive\t-\n", "");
            f.ctl("list-units").is(0, "UNIT\tMACHINE\tACTIVE\tSUB\n", "");
            f.ctl("start", "hello.service").is(0, "Unit hello.service launched on 3d1219c7.../127.0.0.1\n", "");
            f.ctl("list-units").is(0, "UNIT\t\tMACHINE\t\t\tACTIVE\tSUB\nhello.service\t3d1219c7.../127.0.0.1\tactive\trunning\n", "");
            f.ctl("list-units", "--full").is(0,
                    "UNIT\t\tMACHINE\t\t\t\t\t\tACTIVE\tSUB\nhello.service\t3d1219c7c4c5404aaa1f6d2a48adfda4/127.0.0.1\tactive\trunning\n", "");
            f.ctl("list-unit-files").is(0,
                    "UNIT\t\tHASH\tDSTATE\t\tSTATE\t\tTARGET\nhello.service\t524c784\tlaunched\tlaunched\t3d1219c7.../127.0.0.1\n", "");
            f.ctl("list-machines", "--full").is(0,
                    "MACHINE\t\t\t\t\tIP\t\tMETADATA\n3d1219c7c4c5404aaa1f6d2a48adfda4\t127.0.0.1\tregion=local,role=peer\n", "");
            f.ctl("cat", "hello.service").is(0, "[Unit]\nDescription=Hello loop\n\n[Service]\n"
                    + "ExecStart=/bin/sh -c 'while true; do echo hi; sleep 1; done'\n", "");
            f.ctl("stop", "hello.service").is(0, "Unit hello.service loaded on 3d1219c7.../127.0.0.1\n", "Successfully stopped units [hello.service].\n");
            f.ctl("list-units").is(0, "UNIT\t\tMACHINE\t\t\tACTIVE\t\tSUB\nhello.service\t3d1219c7.../127.0.0.1\tinactive\tdead\n", "");
            f.ctl("list-unit-files").is(0,
                    "UNIT\t\tHASH\tDSTATE\tSTATE\tTARGET\nhello.service\t524c784\tloaded\tloaded\t3d1219c7.../127.0.0.1\n", "");
            f.ctl("unload", "hello.service").is(0, "Unit hello.service inactive\n", "Successfully unloaded units [hello.service].\n");
            f.ctl("list-units").is(0, "UNIT\tMACHINE\tACTIVE\tSUB\n", "");
            f.ctl("list-unit-files").is(0, "UNIT\t\tHASH\tDSTATE\t\tSTATE\t\tTARGET\nhello.service\t524c784\tinactive\tinactive\t-\n", "");
            f.ctl("destroy", "hello.service").is(0, "Destroyed hello.service\n", "");
            f.ctl("list-unit-files").is(0, "UNIT\tHASH\tDSTATE\tSTATE\tTARGET\n", "");
            f.ctl("start", "nosuch.service").is(1, "", "Error creating units: unable to find Unit(nosuch.service) in Registry or on filesystem\n");
        }
    }

    /** A target machine that is gone (and no engine to move its unit yet) is named by its id alone. */
    @ParameterizedTest
    @EnumSource(SimFleet.Transport.class)
    void unknownTargetMachineShowsItsIdOnly(SimFleet.Transport transport) {
        try (SimFleet f = new SimFleet(transport)) {
            f.machine(M1, "10.0.0.1", Map.of());
            f.machine(M2, "10.0.0.2", Map.of());
            f.ctl("start", f.unitFile("pinned.service", "[Service]\nExecStart=/bin/sleep 1\n\n[X-Fleet]\nMachineID=" + M2 + "\n").toString())
                    .is(0, "Unit pinned.service inactive\nUnit pinned.service launched on 6e1b9fae.../10.0.0.2\n", "");
            f.cluster.stopEngine();
            f.cluster.removeMachine(M2);
            f.ctl("list-unit-files", "--fields", "unit,dstate,state,target").is(0,
                    "UNIT\t\tDSTATE\t\tSTATE\t\tTARGET\npinned.service\tlaunched\tinactive\t6e1b9fae...\n", "");
            f.ctl("list-unit-files", "--fields", "target", "--full", "--no-legend").is(0, M2 + "\n", "");
            f.ctl("list-units").is(0, "UNIT\tMACHINE\tACTIVE\tSUB\n", "");
            f.ctl("list-machines", "--no-legend").is(0, "3d1219c7...\t10.0.0.1\t-\n", "");
        }
    }

    @ParameterizedTest
    @EnumSource(SimFleet.Transport.class)
    void unitFilesAreSortedByName(SimFleet.Transport transport) {
        try (SimFleet f = new SimFleet(transport)) {
            for (String name : new String[] {"b.service", "a@2.service", "a.service", "a@10.service", "B.service", "a-b.socket"}) {
                f.ctl("submit", f.unitFile(name, "[Service]\nExecStart=/bin/true\n").toString()).is(0, "Unit " + name + " inactive\n", "");
            }
            assertEquals(0, f.ctl("list-unit-files").exit());
            f.ctl("list-unit-files", "--fields", "unit", "--no-legend")
                    .is(0, "B.service\na-b.socket\na.service\na@10.service\na@2.service\nb.service\n", "");
        }
    }
}

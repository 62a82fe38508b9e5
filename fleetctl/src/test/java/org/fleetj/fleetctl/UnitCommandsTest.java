package org.fleetj.fleetctl;

import static org.fleetj.fleetctl.SimFleet.M1;
import static org.fleetj.fleetctl.SimFleet.M2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fleetj.fleetd.sim.SimulatedAgent;
import org.fleetj.registry.UnitState;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The commands that change units (submit, load, start, stop, unload, destroy, restart) and cat, run
 * against fleetd's real API server and engine with two simulated machines (M1 10.0.0.1, M2 10.0.0.2):
 * exact messages and streams, exit statuses, blocking, --replace, templates and name mangling.
 */
class UnitCommandsTest {
    private static final String ON_M1 = " on 3d1219c7.../10.0.0.1";
    private static final String ON_M2 = " on 6e1b9fae.../10.0.0.2";

    private SimFleet f;
    private SimulatedAgent m1;
    private SimulatedAgent m2;

    @BeforeEach
    void cluster() {
        f = new SimFleet(SimFleet.Transport.UNIX);
        m1 = f.machine(M1, "10.0.0.1", Map.of("role", "web"));
        m2 = f.machine(M2, "10.0.0.2", Map.of("role", "db"));
    }

    @AfterEach
    void close() {
        f.close();
    }

    /** A unit file in the scratch directory, pinned to a machine when {@code machine} is not null. */
    private String unit(String name, String machine) {
        return unit(name, "sleep", machine);
    }

    private String unit(String name, String description, String machine) {
        String text = "[Unit]\nDescription=" + description + "\n\n[Service]\nExecStart=/bin/sleep 1000\n"
                + (machine == null ? "" : "\n[X-Fleet]\nMachineID=" + machine + "\n");
        return f.unitFile(name, text).toString();
    }

    private String global(String name) {
        return f.unitFile(name, "[Service]\nExecStart=/bin/sleep 1000\n\n[X-Fleet]\nGlobal=true\n").toString();
    }

    private Path dir() {
        return f.cluster.dir();
    }

    private String desired(String name) {
        return f.registry.job(name).orElseThrow().desiredState().wireName();
    }

    private String hash(String name) {
        return f.registry.job(name).orElseThrow().unitHash();
    }

    // ---- submit ----------------------------------------------------------------------------------

    @Test
    void submitIsIdempotentAndWarnsWhenTheLocalFileDiffers() throws Exception {
        String a = unit("a.service", "first", null);
        f.ctl("submit", a).is(0, "Unit a.service inactive\n", "");
        String first = hash("a.service");
        f.ctl("submit", a).is(0, "", "");
        f.ctl("submit", "a.service").is(0, "", "");
        Files.writeString(Path.of(a), "[Unit]\nDescription=second\n\n[Service]\nExecStart=/bin/sleep 1000\n");
        f.ctl("submit", a).is(0, "", "WARNING: Unit a.service in registry differs from local unit file " + a + ". Add --replace to override.\n");
        assertEquals(first, hash("a.service"), "nothing replaced without --replace");
        assertEquals("inactive", desired("a.service"));
        assertTrue(f.registry.scheduleOf(M1).isEmpty() && f.registry.scheduleOf(M2).isEmpty(), "submit schedules nothing");
    }

    @Test
    void submitSeveralUnitsAndNameMangling() throws Exception {
        Files.createDirectories(dir().resolve("sub"));
        String b = unit("sub/b.service", null);
        f.unitFile("sub/c.service", "[Service]\nExecStart=/bin/true\n");
        f.unitFile("d.socket", "[Socket]\nListenStream=8080\n");
        // path.Base of the argument is the name; ".service" is added to a name without a known type
        f.ctl("submit", b, dir().resolve("sub/c").toString(), dir().resolve("d.socket") + "").is(0,
                "Unit b.service inactive\nUnit c.service inactive\nUnit d.socket inactive\n", "");
        f.ctl("cat", "sub/c").is(0, "[Service]\nExecStart=/bin/true\n", "");
        f.ctl("cat", "/any/where/d.socket").is(0, "[Socket]\nListenStream=8080\n", "");
        f.ctl("list-unit-files", "--fields", "unit", "--no-legend").is(0, "b.service\nc.service\nd.socket\n", "");
    }

    @Test
    void submitReplaceFollowsFleetsStateRules() throws Exception {
        String a = unit("a.service", "v1", M1);
        f.ctl("submit", a).is(0, "Unit a.service inactive\n", "");
        f.ctl("submit", "--replace", a).is(0, "Found same Unit(a.service) in Registry, nothing to do\n", "");
        String v2 = unit("v2/a.service", "v2", M1);
        f.ctl("submit", "--replace", v2).is(0, "Unit a.service inactive\n", "");
        f.ctl("cat", "a").is(0, "[Unit]\nDescription=v2\n\n[Service]\nExecStart=/bin/sleep 1000\n\n[X-Fleet]\nMachineID=" + M1 + "\n", "");
        f.ctl("load", "a").is(0, "Unit a.service loaded" + ON_M1 + "\n", "");
        String v3 = unit("v3/a.service", "v3", M1);
        f.ctl("submit", "--replace", v3).is(0, "", "Warning: can not replace Unit(a.service) in state 'loaded', use the appropriate command\n");
        f.ctl("cat", "a").is(0, "[Unit]\nDescription=v2\n\n[Service]\nExecStart=/bin/sleep 1000\n\n[X-Fleet]\nMachineID=" + M1 + "\n", "");
        assertEquals("loaded", desired("a.service"), "a refused replacement changes nothing");
    }

    @Test
    void unknownUnitsAndBadUnitFilesCreateNothing() throws Exception {
        f.ctl("submit", "nosuch").is(1, "", "Error creating units: unable to find Unit(nosuch.service) in Registry or on filesystem\n");
        f.ctl("start", "nosuch@1").is(1, "", "Error creating units: failed getting Unit(nosuch@1) from template: "
                + "unable to find template Unit(nosuch@.service) in Registry or on filesystem\n");
        f.ctl("submit", "@x.service").is(1, "",
                "Error creating units: invalid unit name \"@x.service\": must not start with '@' (a template needs a prefix, as in foo@.service)\n");
        String bad = f.unitFile("bad.service", "[Service]\nExecStart=/bin/true\n\n[X-Fleet]\nGlobal=true\nMachineOf=a.service\n").toString();
        f.ctl("start", bad).is(1, "", "Error creating units: invalid [X-Fleet] requirements: Global cannot be combined with MachineOf\n");
        Files.createDirectories(dir().resolve("adir.service"));
        Cli.Result dirResult = f.ctl("submit", dir().resolve("adir.service").toString());
        assertEquals(1, dirResult.exit(), dirResult.toString());
        assertTrue(dirResult.err().startsWith("Error creating units: failed getting Unit(" + dir().resolve("adir.service") + ") from file: "), dirResult.err());
        // the first bad unit stops the command: the good one after it is not created either
        String good = unit("good.service", null);
        f.ctl("submit", bad, good).is(1, "", "Error creating units: invalid [X-Fleet] requirements: Global cannot be combined with MachineOf\n");
        f.ctl("list-unit-files", "--no-legend").is(0, "", "");
        String odd = f.unitFile("odd.service", "[Service]\nExecStart=/bin/true\n\n[X-Fleet]\nFavouriteColour=blue\n").toString();
        f.ctl("submit", odd).is(0, "Unit odd.service inactive\n",
                "WARNING: Unit odd.service: unrecognized requirement in [X-Fleet] section: \"FavouriteColour\"\n");
    }

    @Test
    void hostileUnitFilesAreRefusedWithTheReasonAndCreateNothing() throws Exception {
        StringBuilder big = new StringBuilder("[Service]\nExecStart=/bin/true\n");
        while (big.length() < 10 * 1024 * 1024) big.append("Environment=X=").append("y".repeat(1000)).append('\n');
        String tenMb = f.unitFile("big.service", big.toString()).toString();
        Cli.Result r = f.ctl("submit", tenMb);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("Error creating units: failed getting Unit(" + tenMb + ") from file: unit file too large"), r.err());
        Path nul = dir().resolve("nul.service");
        Files.write(nul, "[Service]\nExecStart=/bin/echo a\u0000b\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Cli.Result n = f.ctl("start", nul.toString());
        assertEquals(1, n.exit(), n.toString());
        assertTrue(n.err().contains("NUL"), n.err());
        Path binary = dir().resolve("binary.service");
        byte[] garbage = new byte[4096];
        new java.util.Random(3).nextBytes(garbage);
        Files.write(binary, garbage);
        Cli.Result b = f.ctl("load", binary.toString());
        assertEquals(1, b.exit(), b.toString());
        assertTrue(b.err().startsWith("Error creating units: failed getting Unit(" + binary + ") from file: "), b.err());
        String longLine = f.unitFile("long.service", "[Service]\nExecStart=/bin/echo " + "x".repeat(5000) + "\n").toString();
        Cli.Result l = f.ctl("submit", longLine);
        assertEquals(1, l.exit(), l.toString());
        assertTrue(l.err().contains("line too long"), l.err());
        f.ctl("list-unit-files", "--no-legend").is(0, "", "");
    }

    // ---- load / start: blocking -------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(SimFleet.Transport.class)
    void startLoadsAndLaunchesReportingWhereEachUnitLanded(SimFleet.Transport transport) {
        try (SimFleet g = new SimFleet(transport)) {
            g.machine(M1, "10.0.0.1", Map.of());
            g.machine(M2, "10.0.0.2", Map.of());
            String a = g.unitFile("a.service", "[Service]\nExecStart=/bin/sleep 1\n\n[X-Fleet]\nMachineID=" + M2 + "\n").toString();
            String b = g.unitFile("b.service", "[Service]\nExecStart=/bin/sleep 1\n\n[X-Fleet]\nMachineID=" + M1 + "\n").toString();
            g.ctl("start", a, b).isInAnyOrder(0, "Unit a.service inactive\nUnit b.service inactive\n"
                    + "Unit a.service launched" + ON_M2 + "\nUnit b.service launched" + ON_M1 + "\n", "");
            g.ctl("start", "a", "b").is(0, "", "");
            g.ctl("list-units", "--no-legend").is(0, "a.service\t6e1b9fae.../10.0.0.2\tactive\trunning\n"
                    + "b.service\t3d1219c7.../10.0.0.1\tactive\trunning\n", "");
        }
    }

    @Test
    void startPrintsEachUnitAsItLands() {
        String a = unit("a.service", M1);
        String b = unit("b.service", M2);
        f.ctl("submit", a, b).is(0, "Unit a.service inactive\nUnit b.service inactive\n", "");
        m2.freeze();
        Cli.Running start = f.ctlAsync("start", "b", "a");
        SimFleet.await(() -> start.out().contains("Unit a.service launched"), "a reported while b is still on its way");
        assertEquals("Unit a.service launched" + ON_M1 + "\n", start.out());
        assertFalse(start.isDone(), "start waits for b");
        m2.thaw();
        start.await().is(0, "Unit a.service launched" + ON_M1 + "\nUnit b.service launched" + ON_M2 + "\n", "");
    }

    @Test
    void startWaitsForSystemdToReportTheUnitActive() {
        String a = unit("a.service", M1);
        m1.failOnStart("a.service");
        Cli.Result r = f.ctl("start", a);
        r.is(1, "Unit a.service inactive\nUnit a.service launched" + ON_M1 + "\n",
                "Error waiting for systemd unit states: unit a.service failed" + ON_M1 + " (failed/failed)\n");
    }

    @Test
    void noBlockReturnsAtOnce() {
        String a = unit("a.service", M1);
        m1.freeze();
        f.ctl("start", "--no-block", a).is(0, "Unit a.service inactive\nTriggered unit a.service start\n", "");
        assertEquals("launched", desired("a.service"));
        f.ctl("list-unit-files", "--fields", "unit,dstate,state", "--no-legend").is(0, "a.service\tlaunched\tinactive\n", "");
        m1.thaw();
        // stop refuses a unit whose current state is inactive, and the current state is what M1's agent published,
        // which it does after (debounced) the start reaches systemd: wait for the published state, not for systemd.
        SimFleet.await(() -> stateOf("a.service", M1).applied() == TargetState.LAUNCHED, "a launched once M1 acts again");
        f.ctl("stop", "--no-block", "a").is(0, "Triggered unit a.service stop\n", "Successfully stopped units [a.service].\n");
        f.ctl("unload", "--no-block=true", "a").is(0, "Triggered unit a.service unload\n", "Successfully unloaded units [a.service].\n");
        f.ctl("load", "--no-block", "a").is(0, "Triggered unit a.service load\n", "");
        assertEquals("loaded", desired("a.service"));
    }

    /** Issue 17 item 5: a unit destroyed by someone else while fleetctl waits for it ends the wait with a message. */
    @Test
    void aUnitDestroyedWhileWaitedForEndsTheWaitWithAMessage() {
        String a = unit("a.service", M1);
        m1.freeze();
        Cli.Running start = f.ctlAsync("start", a);
        SimFleet.await(() -> start.out().contains("Unit a.service inactive"), "a created, start waiting for it");
        assertFalse(start.isDone(), "start waits for a");
        f.ctl("destroy", "--no-block", "a").is(0, "Destroyed a.service\n", "");
        start.await().is(1, "Unit a.service inactive\n",
                "Error waiting for units: unit a.service was destroyed while waiting for it to report state launched\n");
        m1.thaw();
    }

    @Test
    void blockAttemptsGiveUpAndFail() {
        String a = unit("a.service", M1);
        f.ctl("submit", a).is(0, "Unit a.service inactive\n", "");
        m1.freeze();
        long t0 = System.nanoTime();
        f.ctl("start", "--block-attempts=1", "a").is(1, "",
                "Error waiting for units: timed out waiting for unit a.service to report state launched\n");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 1900 && ms < 6000, "one attempt is fleet's 2 s window, took " + ms + " ms");
        m1.thaw();
        SimFleet.await(() -> "active".equals(stateOf("a.service", M1).activeState()), "a running");
        m1.freeze();
        f.ctl("stop", "--block-attempts", "1", "a").is(1, "",
                "Error waiting for units: timed out waiting for unit a.service to report state loaded\nFailed to stop units [a.service].\n");
        m1.thaw();
    }

    @Test
    void loadSchedulesWithoutStarting() {
        String a = unit("a.service", M2);
        f.ctl("load", a).is(0, "Unit a.service inactive\nUnit a.service loaded" + ON_M2 + "\n", "");
        assertEquals(Map.of("a.service", new SimulatedAgent.SystemdState("loaded", "inactive", "dead")), m2.units());
        f.ctl("load", "a").is(0, "", "");
        f.ctl("start", "a").is(0, "Unit a.service launched" + ON_M2 + "\n", "");
        // load of a launched unit brings it back to loaded, as fleet does
        f.ctl("load", "a").is(0, "Unit a.service loaded" + ON_M2 + "\n", "");
        assertEquals("inactive", stateOf("a.service", M2).activeState());
    }

    @Test
    void globalUnitsAreTriggeredNotAwaited() {
        String g = global("g.service");
        f.ctl("load", g).is(0, "Unit g.service inactive\nTriggered global unit g.service load\n", "");
        SimFleet.await(() -> m1.units().containsKey("g.service") && m2.units().containsKey("g.service"), "g loaded on both machines");
        f.ctl("start", "g").is(0, "Triggered global unit g.service start\n", "");
        SimFleet.await(() -> f.registry.unitStates().stream().filter(s -> s.name().equals("g.service") && s.activeState().equals("active")).count() == 2,
                "g running on both machines");
        f.ctl("list-units", "--no-legend").is(0, "g.service\t3d1219c7.../10.0.0.1\tactive\trunning\n"
                + "g.service\t6e1b9fae.../10.0.0.2\tactive\trunning\n", "");
        String a = unit("a.service", M1);
        f.ctl("start", a, "g").is(0, "Unit a.service inactive\nUnit a.service launched" + ON_M1 + "\n", "");
        f.ctl("stop", "g", "a").is(0, "Triggered global unit g.service stop\nUnit a.service loaded" + ON_M1 + "\n",
                "Successfully stopped units [a.service].\n");
        f.ctl("unload", "g").is(0, "Triggered global unit g.service unload\n", "Successfully unloaded units [].\n");
        // list-units shows what the agents published, which follows systemd (debounced): wait for the published states
        SimFleet.await(() -> !m1.units().containsKey("g.service") && !m2.units().containsKey("g.service")
                && f.registry.unitStates().stream().noneMatch(s -> s.name().equals("g.service")), "g unloaded and its states removed everywhere");
        f.ctl("list-units", "--no-legend").is(0, "a.service\t3d1219c7.../10.0.0.1\tinactive\tdead\n", "");
    }

    // ---- stop / unload / destroy -----------------------------------------------------------------

    @Test
    void stopAndUnloadReportEachUnitAndSucceed() {
        String a = unit("a.service", M1);
        String b = unit("b.service", M2);
        f.ctl("start", a, b).isInAnyOrder(0, "Unit a.service inactive\nUnit b.service inactive\nUnit a.service launched" + ON_M1
                + "\nUnit b.service launched" + ON_M2 + "\n", "");
        f.ctl("stop", "a", "nosuch", "b").isInAnyOrder(0, "Unit a.service loaded" + ON_M1 + "\nUnit b.service loaded" + ON_M2 + "\n",
                "Successfully stopped units [a.service b.service].\n");
        assertEquals(new SimulatedAgent.SystemdState("loaded", "inactive", "dead"), m1.units().get("a.service"));
        // stopping a stopped unit just confirms it
        f.ctl("stop", "a").is(0, "Unit a.service loaded" + ON_M1 + "\n", "Successfully stopped units [a.service].\n");
    }

    @Test
    void stopRefusesAnInactiveUnit() {
        f.ctl("submit", unit("a.service", M1)).is(0, "Unit a.service inactive\n", "");
        f.ctl("stop", "a").is(1, "", "Unable to stop unit a.service in state inactive\n");
        assertEquals("inactive", desired("a.service"), "nothing changed");
        f.ctl("stop", "nosuch", "other").is(1, "", "Units not found in registry\n");
        f.ctl("unload", "nosuch").is(1, "", "Units not found in registry\n");
        f.ctl("destroy", "nosuch").is(1, "", "Units not found in registry\n");
        f.ctl("restart", "nosuch").is(1, "", "Units not found in registry\n");
    }

    @Test
    void unloadTakesUnitsOffTheirMachines() {
        String a = unit("a.service", M1);
        f.ctl("start", a).is(0, "Unit a.service inactive\nUnit a.service launched" + ON_M1 + "\n", "");
        f.ctl("unload", "a").is(0, "Unit a.service inactive\n", "Successfully unloaded units [a.service].\n");
        SimFleet.await(() -> m1.units().isEmpty(), "a gone from M1");
        assertTrue(f.registry.unitStates().isEmpty(), "its state was removed");
        f.ctl("list-unit-files", "--no-legend").is(0, "a.service\t" + hash("a.service").substring(0, 7) + "\tinactive\tinactive\t-\n", "");
        // an inactive unit has nothing to wait for
        f.ctl("unload", "a").is(0, "", "Successfully unloaded units [].\n");
    }

    @Test
    void destroyRemovesUnitsFoundAndSkipsTheOthers() {
        String a = unit("a.service", M1);
        String b = unit("b.service", M2);
        f.ctl("start", a, b).isInAnyOrder(0, "Unit a.service inactive\nUnit b.service inactive\nUnit a.service launched" + ON_M1
                + "\nUnit b.service launched" + ON_M2 + "\n", "");
        f.ctl("destroy", "a", "nosuch").is(0, "Destroyed a.service\n", "");
        SimFleet.await(() -> m1.units().isEmpty(), "a stopped and unloaded on M1");
        f.ctl("list-units", "--no-legend").is(0, "b.service\t6e1b9fae.../10.0.0.2\tactive\trunning\n", "");
        f.ctl("destroy", "--no-block", "b.service").is(0, "Destroyed b.service\n", "");
        SimFleet.await(() -> m2.units().isEmpty(), "b stopped and unloaded on M2");
        f.ctl("list-unit-files", "--no-legend").is(0, "", "");
        f.ctl("destroy", "a", "b").is(1, "", "Units not found in registry\n");
        // destroyed units can be submitted again
        f.ctl("submit", a).is(0, "Unit a.service inactive\n", "");
    }

    // ---- restart ---------------------------------------------------------------------------------

    @Test
    void restartStopsAndStartsOneUnitAtATime() {
        String a = unit("a.service", M1);
        String b = unit("b.service", M2);
        String c = unit("c.service", M2);
        f.ctl("start", a, b).isInAnyOrder(0, "Unit a.service inactive\nUnit b.service inactive\nUnit a.service launched" + ON_M1
                + "\nUnit b.service launched" + ON_M2 + "\n", "");
        f.ctl("load", c).is(0, "Unit c.service inactive\nUnit c.service loaded" + ON_M2 + "\n", "");
        f.ctl("restart", "a", "c", "b").is(0, "Unit a.service loaded" + ON_M1 + "\nUnit a.service launched" + ON_M1 + "\n"
                + "Unit c.service launched" + ON_M2 + "\n"
                + "Unit b.service loaded" + ON_M2 + "\nUnit b.service launched" + ON_M2 + "\n", "");
        for (String unit : List.of("a.service", "b.service", "c.service")) {
            assertEquals("active", f.registry.unitStates().stream().filter(s -> s.name().equals(unit)).findFirst().orElseThrow().activeState());
        }
    }

    @Test
    void restartRefusesInactiveUnitsBeforeTouchingAny() {
        String a = unit("a.service", M1);
        f.ctl("start", a).is(0, "Unit a.service inactive\nUnit a.service launched" + ON_M1 + "\n", "");
        f.ctl("submit", unit("idle.service", null)).is(0, "Unit idle.service inactive\n", "");
        long passes = m1.passes();
        f.ctl("restart", "a", "idle").is(1, "", "Unable to restart unit idle.service in state inactive\n");
        assertEquals("launched", desired("a.service"));
        assertEquals(passes, m1.passes(), "a was not stopped");
    }

    // ---- start/load --replace ----------------------------------------------------------------------

    @Test
    void startReplaceSwapsTheUnitFileOfARunningUnit() {
        String v1 = unit("a.service", "v1", M1);
        f.ctl("start", v1).is(0, "Unit a.service inactive\nUnit a.service launched" + ON_M1 + "\n", "");
        String v2 = unit("v2/a.service", "v2", M1);
        f.ctl("start", v2).is(0, "", "WARNING: Unit a.service in registry differs from local unit file " + v2 + ". Add --replace to override.\n");
        f.ctl("start", "--replace", v2).is(0, "Unit a.service launched" + ON_M1 + "\n", "");
        String newHash = hash("a.service");
        SimFleet.await(() -> newHash.equals(stateOf("a.service", M1).unitHash()), "M1 runs the new file");
        assertEquals("active", stateOf("a.service", M1).activeState());
        f.ctl("start", "--replace", v2).is(0, "Found same Unit(a.service) in Registry, nothing to do\n", "");
    }

    @Test
    void loadReplaceIsRefusedForALaunchedUnitAndAllowedWhenLoaded() throws Exception {
        String v1 = unit("a.service", "v1", M1);
        f.ctl("start", v1).is(0, "Unit a.service inactive\nUnit a.service launched" + ON_M1 + "\n", "");
        String v1hash = hash("a.service");
        String v2 = unit("v2/a.service", "v2", M1);
        // refused for the file; load itself still brings the unit to loaded, as in fleet
        f.ctl("load", "--replace", v2).is(0, "Unit a.service loaded" + ON_M1 + "\n",
                "Warning: can not replace Unit(a.service) in state 'launched', use the appropriate command\n");
        assertEquals(v1hash, hash("a.service"));
        f.ctl("load", "--replace", v2).is(0, "Unit a.service loaded" + ON_M1 + "\n", "");
        assertEquals(UnitFile.parse("[Unit]\nDescription=v2\n\n[Service]\nExecStart=/bin/sleep 1000\n\n[X-Fleet]\nMachineID=" + M1 + "\n").hash().hex(),
                hash("a.service"));
        assertEquals("loaded", desired("a.service"));
    }

    // ---- templates -------------------------------------------------------------------------------

    @Test
    void instancesComeFromALocalTemplateThenFromTheRegisteredOne() throws Exception {
        String template = "[Unit]\nDescription=Web %i\n\n[Service]\nExecStart=/bin/sleep 1000\n\n[X-Fleet]\nConflicts=web@*.service\n";
        f.unitFile("web@.service", template);
        // web@1.service does not exist as a file: its template next to where it would be is used
        Cli.Result started = f.ctl("start", dir().resolve("web@1.service").toString(), dir().resolve("web@2").toString());
        // fleetctl writes the two instances concurrently, so the engine may see either first and place it on the
        // least loaded machine: which instance lands where is not fixed, only that Conflicts keeps them apart
        boolean web1OnM1 = started.out().contains("Unit web@1.service launched" + ON_M1);
        started.isInAnyOrder(0, "Unit web@1.service inactive\nUnit web@2.service inactive\n"
                + "Unit web@1.service launched" + (web1OnM1 ? ON_M1 : ON_M2) + "\nUnit web@2.service launched" + (web1OnM1 ? ON_M2 : ON_M1) + "\n", "");
        f.ctl("cat", "web@2").is(0, template, "");
        f.ctl("list-unit-files", "--fields", "unit", "--no-legend").is(0, "web@1.service\nweb@2.service\n", "");
        // with the template registered, a bare instance name needs no file at all
        f.ctl("submit", dir().resolve("web@.service").toString()).is(0, "Unit web@.service inactive\n", "");
        Files.delete(dir().resolve("web@.service"));
        f.ctl("submit", "web@3").is(0, "Unit web@3.service inactive\n", "");
        f.ctl("cat", "web@3.service").is(0, template, "");
        // a registered template wins over a local one
        String other = "[Service]\nExecStart=/bin/true\n";
        f.unitFile("web@.service", other);
        f.ctl("submit", dir().resolve("web@4.service").toString()).is(0, "Unit web@4.service inactive\n", "");
        f.ctl("cat", "web@4").is(0, template, "");
        // templates themselves are never scheduled and fleet's API refuses to activate one: refused with or without --no-block
        f.ctl("start", "web@.service").is(1, "", "Unable to start unit web@.service: it is a template, which is never scheduled; "
                + "start an instance of it instead, such as web@1.service\n");
        f.ctl("load", "--block-attempts=5", "web@").is(1, "", "Unable to load unit web@.service: it is a template, which is never "
                + "scheduled; load an instance of it instead, such as web@1.service\n");
        f.ctl("start", "--no-block", "web@.service").is(1, "", "Unable to start unit web@.service: it is a template, which is never "
                + "scheduled; start an instance of it instead, such as web@1.service\n");
        assertEquals("inactive", desired("web@.service"));
        f.ctl("list-unit-files", "--fields", "unit,dstate,state,target", "--no-legend").is(0,
                "web@.service\tinactive\tinactive\t-\n"
                        + "web@1.service\tlaunched\tlaunched\t" + (web1OnM1 ? ON_M1 : ON_M2).substring(4) + "\n"
                        + "web@2.service\tlaunched\tlaunched\t" + (web1OnM1 ? ON_M2 : ON_M1).substring(4) + "\n"
                        + "web@3.service\tinactive\tinactive\t-\n"
                        + "web@4.service\tinactive\tinactive\t-\n", "");
    }

    @Test
    void instanceOfALocalTemplateWarnsWhenTheTemplateDiffers() throws Exception {
        f.unitFile("job@.service", "[Service]\nExecStart=/bin/sleep 1\n");
        String instance = dir().resolve("job@1.service").toString();
        f.ctl("submit", instance).is(0, "Unit job@1.service inactive\n", "");
        f.ctl("submit", instance).is(0, "", "");
        f.unitFile("job@.service", "[Service]\nExecStart=/bin/sleep 2\n");
        f.ctl("submit", instance).is(0, "",
                "WARNING: Unit job@1.service in registry differs from local template unit file " + instance + ". Add --replace to override.\n");
    }

    // ---- cat -----------------------------------------------------------------------------------------

    @Test
    void catPrintsTheRegisteredUnitReserialized() {
        f.unitFile("c.service", "# a comment\n[Unit]\nDescription=Cat\n\n\n[Service]\nExecStart=/bin/echo \\\n  continued\nEnvironment=A=1\nEnvironment=B=2\n");
        f.ctl("submit", dir().resolve("c.service").toString()).is(0, "Unit c.service inactive\n", "");
        // comments and blank lines go; a continued line stays continued (go-systemd keeps it in the value)
        String serialized = "[Unit]\nDescription=Cat\n\n[Service]\nExecStart=/bin/echo \\\n  continued\nEnvironment=A=1\nEnvironment=B=2\n";
        f.ctl("cat", "c").is(0, serialized, "");
        f.ctl("cat", "/elsewhere/c.service").is(0, serialized, "");
        f.ctl("cat", "nosuch").is(1, "", "Unit nosuch.service not found\n");
    }

    @Test
    void catAndJournalTakeExactlyOneUnit() {
        f.ctl("cat").is(1, "", "One unit file must be provided\n");
        f.ctl("cat", "a", "b").is(1, "", "One unit file must be provided\n");
        f.ctl("journal").is(1, "", "One unit file must be provided\n");
        f.ctl("journal", "a", "b").is(1, "", "One unit file must be provided\n");
    }

    @Test
    void unicodeQuotesAndBackslashesSurviveTheRoundTrip() throws Exception {
        String text = "[Unit]\nDescription=Grüße \"quoted\" back\\slash ✓ \uD83D\uDE80\n\n[Service]\nExecStart=/bin/echo 'a\\tb' \"$HOME\"\n";
        f.unitFile("u.service", text);
        f.ctl("submit", dir().resolve("u.service").toString()).is(0, "Unit u.service inactive\n", "");
        f.ctl("cat", "u").is(0, text, "");
        f.ctl("list-unit-files", "--fields", "desc", "--no-legend").is(0, "Grüße \"quoted\" back\\slash ✓ \uD83D\uDE80\n", "");
        Cli.Result json = f.ctl("list-unit-files", "-o", "json");
        assertTrue(json.out().contains("\"value\":\"Grüße \\\"quoted\\\" back\\\\slash ✓ \uD83D\uDE80\""), json.out());
        assertEquals(UnitFile.parse(text).hash().hex(), hash("u.service"));
    }

    private UnitState stateOf(String unit, String machine) {
        return f.registry.unitStates().stream().filter(s -> s.name().equals(unit) && s.machineId().equals(machine)).findFirst()
                .orElse(new UnitState(unit, machine, "", "", "", "", TargetState.INACTIVE));
    }
}

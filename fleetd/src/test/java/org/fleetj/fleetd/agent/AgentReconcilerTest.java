package org.fleetj.fleetd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitOption;
import org.junit.jupiter.api.Test;

class AgentReconcilerTest {
    private static final UnitFile A = UnitFile.of(List.of(new UnitOption("Service", "ExecStart", "/bin/true")));
    private static final UnitFile B = UnitFile.of(List.of(new UnitOption("Service", "ExecStart", "/bin/false")));

    private static List<String> plan(Map<String, DesiredUnit> desired, Map<String, LocalUnit> local) {
        return AgentReconciler.plan(desired, local).stream().map(t -> t.kind() + " " + t.unit()).collect(Collectors.toList());
    }

    @Test
    void nothingToDoWhenInSync() {
        assertEquals(List.of(), plan(
                Map.of("a.service", new DesiredUnit("a.service", A, TargetState.LAUNCHED, false)),
                Map.of("a.service", new LocalUnit("a.service", A.hash().hex(), TargetState.LAUNCHED))));
    }

    @Test
    void newLaunchedUnitIsLoadedThenStarted() {
        assertEquals(List.of("LOAD a.service", "START a.service"), plan(
                Map.of("a.service", new DesiredUnit("a.service", A, TargetState.LAUNCHED, false)), Map.of()));
    }

    @Test
    void loadedUnitIsOnlyLoaded() {
        assertEquals(List.of("LOAD a.service"), plan(
                Map.of("a.service", new DesiredUnit("a.service", A, TargetState.LOADED, false)), Map.of()));
    }

    @Test
    void launchedToLoadedStops() {
        assertEquals(List.of("STOP a.service"), plan(
                Map.of("a.service", new DesiredUnit("a.service", A, TargetState.LOADED, false)),
                Map.of("a.service", new LocalUnit("a.service", A.hash().hex(), TargetState.LAUNCHED))));
    }

    @Test
    void unitsNotScheduledHereAreUnloadedFirst() {
        assertEquals(List.of("UNLOAD old.service", "LOAD a.service", "START a.service"), plan(
                Map.of("a.service", new DesiredUnit("a.service", A, TargetState.LAUNCHED, false)),
                Map.of("old.service", new LocalUnit("old.service", B.hash().hex(), TargetState.LAUNCHED))));
    }

    @Test
    void changedFileIsStoppedReloadedAndStartedAgain() {
        List<AgentTask> tasks = AgentReconciler.plan(
                Map.of("a.service", new DesiredUnit("a.service", B, TargetState.LAUNCHED, false)),
                Map.of("a.service", new LocalUnit("a.service", A.hash().hex(), TargetState.LAUNCHED)));
        assertEquals(List.of(AgentTask.Kind.STOP, AgentTask.Kind.LOAD, AgentTask.Kind.START), tasks.stream().map(AgentTask::kind).toList());
        assertEquals("unit file changed (" + A.hash().shortForm() + " -> " + B.hash().shortForm() + "), stopping before reload", tasks.get(0).reason());
    }

    @Test
    void everyTaskCarriesAReason() {
        for (AgentTask t : AgentReconciler.plan(
                Map.of("g.service", new DesiredUnit("g.service", A, TargetState.LAUNCHED, true)),
                Map.of("x.service", new LocalUnit("x.service", A.hash().hex(), TargetState.LOADED)))) {
            assertEquals(false, t.reason().isBlank(), t.toString());
        }
    }
}

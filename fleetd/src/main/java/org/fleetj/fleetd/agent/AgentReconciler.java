package org.fleetj.fleetd.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.fleetj.unit.TargetState;

/**
 * Pure diff of what this machine must run against what the agent has put on it. No I/O: the agent
 * executes the tasks in order. Order matters: unloads first (free the machine), then loads, then
 * stops and starts.
 */
public final class AgentReconciler {
    private AgentReconciler() {
    }

    public static List<AgentTask> plan(Map<String, DesiredUnit> desired, Map<String, LocalUnit> local) {
        List<AgentTask> unloads = new ArrayList<>();
        List<AgentTask> loads = new ArrayList<>();
        List<AgentTask> stops = new ArrayList<>();
        List<AgentTask> starts = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(desired.keySet());
        names.addAll(local.keySet());
        for (String name : names) {
            DesiredUnit d = desired.get(name);
            LocalUnit l = local.get(name);
            if (d == null) {
                unloads.add(new AgentTask(AgentTask.Kind.UNLOAD, name, "no longer scheduled to this machine"));
                continue;
            }
            boolean launched = l != null && l.applied() == TargetState.LAUNCHED;
            if (l == null) {
                loads.add(new AgentTask(AgentTask.Kind.LOAD, name, d.global() ? "global unit matches this machine" : "scheduled to this machine"));
            } else if (!l.hash().equals(d.hash())) {
                if (launched) {
                    stops.add(new AgentTask(AgentTask.Kind.STOP, name, "unit file changed (" + abbrev(l.hash()) + " -> " + abbrev(d.hash()) + "), stopping before reload"));
                    launched = false;
                }
                loads.add(new AgentTask(AgentTask.Kind.LOAD, name, "unit file changed (" + abbrev(l.hash()) + " -> " + abbrev(d.hash()) + ")"));
            }
            if (d.state() == TargetState.LAUNCHED && !launched) {
                starts.add(new AgentTask(AgentTask.Kind.START, name, "desired state is launched"));
            } else if (d.state() == TargetState.LOADED && launched) {
                stops.add(new AgentTask(AgentTask.Kind.STOP, name, "desired state is loaded"));
            }
        }
        List<AgentTask> all = new ArrayList<>(unloads.size() + loads.size() + stops.size() + starts.size());
        all.addAll(unloads);
        all.addAll(stops);
        all.addAll(loads);
        all.addAll(starts);
        return all;
    }

    private static String abbrev(String hash) {
        return hash.length() > 7 ? hash.substring(0, 7) : hash;
    }
}

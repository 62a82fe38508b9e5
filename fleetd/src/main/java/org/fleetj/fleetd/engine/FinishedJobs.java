package org.fleetj.fleetd.engine;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.fleetj.registry.Job;
import org.fleetj.registry.JobResult;
import org.fleetj.registry.Registry;
import org.fleetj.unit.JobOption;

/**
 * The engine's one rule for one-shot jobs ({@code [X-Fleet] Job=true}, beyond fleet): a job whose current unit file
 * has a result has finished and is never placed again. While its machine lives it stays assigned there (the agent
 * keeps it, ended, so {@code fleetctl status} and {@code journal} still reach it); once that machine is gone it is
 * unassigned, not moved. A job without a result is placed like any unit, so a job whose machine is lost while it
 * runs runs again elsewhere.
 */
final class FinishedJobs {
    private FinishedJobs() {
    }

    /**
     * The finished jobs that have no live machine (their target left, or they have none), by name. Reads the
     * results only when some job lacks a live machine, so an engine pass of a cluster without such jobs costs no
     * request more than before.
     */
    static Map<String, JobResult> withoutLiveMachine(Registry registry, List<Job> jobs, Set<String> live) {
        Map<String, Job> candidates = new TreeMap<>();
        for (Job j : jobs) {
            boolean placedOnLive = j.targetMachine().map(live::contains).orElse(false);
            if (!placedOnLive && JobOption.isJob(j.unit())) candidates.put(j.name(), j);
        }
        Map<String, JobResult> out = new TreeMap<>();
        if (candidates.isEmpty()) return out;
        for (Map.Entry<String, JobResult> e : registry.jobResults().entrySet()) {
            if (e.getValue().isFor(candidates.get(e.getKey()))) out.put(e.getKey(), e.getValue());
        }
        return out;
    }
}

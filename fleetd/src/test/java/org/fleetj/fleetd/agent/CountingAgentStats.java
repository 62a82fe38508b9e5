package org.fleetj.fleetd.agent;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link AgentStats} that counts the agent's reconcile passes, and those that found nothing to do (tests and the
 * scale benchmark count wake-ups with it).
 */
public final class CountingAgentStats implements AgentStats {
    private final AtomicLong passes = new AtomicLong();
    private final AtomicLong idlePasses = new AtomicLong();
    /** A task ran since the last pass ended (the agent calls {@link #task} within a pass, then {@link #reconciled}). */
    private final AtomicBoolean taskSinceLastPass = new AtomicBoolean();

    @Override
    public void task(AgentTask.Kind kind, boolean ok) {
        taskSinceLastPass.set(true);
    }

    @Override
    public void reconciled(long nanos) {
        if (!taskSinceLastPass.getAndSet(false)) idlePasses.incrementAndGet();
        passes.incrementAndGet();
    }

    @Override
    public void statePublished() {
    }

    /** Reconcile passes the agent finished so far. */
    public long passes() {
        return passes.get();
    }

    /** Passes that ran no task (nothing had changed for this machine, or everything waited out a backoff). */
    public long idlePasses() {
        return idlePasses.get();
    }
}

package org.fleetj.fleetd.daemon;

import java.util.List;
import java.util.Locale;
import org.fleetj.fleetd.agent.AgentStats;
import org.fleetj.fleetd.agent.AgentTask;
import org.fleetj.fleetd.engine.EngineStats;
import org.fleetj.fleetd.metrics.FleetMetrics;
import org.fleetj.registry.ScheduleChange;

/** Binds what the agent and the engine report to fleetd's Prometheus metrics. */
final class MetricsStats {
    private MetricsStats() {
    }

    static AgentStats agent(FleetMetrics metrics) {
        return new AgentStats() {
            @Override
            public void task(AgentTask.Kind kind, boolean ok) {
                String type = kind.name().toLowerCase(Locale.ROOT);
                (ok ? metrics.agentTasks(type) : metrics.agentTaskFailures(type)).inc();
            }

            @Override
            public void reconciled(long nanos) {
                metrics.agentReconciled(System.nanoTime() - nanos);
            }

            @Override
            public void statePublished() {
                metrics.agentStatePublishes.inc();
            }
        };
    }

    static EngineStats engine(FleetMetrics metrics) {
        return new EngineStats() {
            @Override
            public void leaderStarted() {
                metrics.markEngineLeader();
            }

            @Override
            public void reconciled(long nanos, List<ScheduleChange> changes) {
                metrics.engineReconciled(System.nanoTime() - nanos);
                for (ScheduleChange c : changes) {
                    metrics.engineTasks(c.kind() == ScheduleChange.Kind.ASSIGN ? "schedule" : "unschedule").inc();
                }
            }

            @Override
            public void reconcileFailed() {
                metrics.engineReconcileFailures("run").inc();
            }
        };
    }
}

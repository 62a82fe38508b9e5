package org.fleetj.fleetd.agent;

/** Where the agent reports what it did; fleetd binds it to its Prometheus metrics. */
public interface AgentStats {
    void task(AgentTask.Kind kind, boolean ok);

    void reconciled(long nanos);

    void statePublished();

    AgentStats NONE = new AgentStats() {
        @Override
        public void task(AgentTask.Kind kind, boolean ok) {
        }

        @Override
        public void reconciled(long nanos) {
        }

        @Override
        public void statePublished() {
        }
    };
}

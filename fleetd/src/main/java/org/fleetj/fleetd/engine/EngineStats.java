package org.fleetj.fleetd.engine;

import java.util.List;
import org.fleetj.registry.ScheduleChange;

/** Where the engine reports what it did; fleetd binds it to its Prometheus metrics. */
public interface EngineStats {
    void leaderStarted();

    void reconciled(long nanos, List<ScheduleChange> changes);

    void reconcileFailed();

    /** For tests and tools that do not export metrics. */
    EngineStats NONE = new EngineStats() {
        @Override
        public void leaderStarted() {
        }

        @Override
        public void reconciled(long nanos, List<ScheduleChange> changes) {
        }

        @Override
        public void reconcileFailed() {
        }
    };
}

package org.fleetj.registry;

import java.util.Optional;

/**
 * Curator-style leader latch for the engine. Lifecycle: {@code start()} → campaigns; the listener hears
 * {@code isLeader} with a fencing {@link Leadership}, {@code notLeader} when it is lost. A connection
 * problem is reported as {@code suspended} first — that is not "leadership lost"; writes stay fenced.
 */
public interface LeaderLatch extends AutoCloseable {

    void start();

    /** The current fencing token while this latch believes it leads. */
    Optional<Leadership> leadership();

    void addListener(Listener listener);

    /** Resigns (if leading) and stops campaigning. */
    @Override
    void close();

    /**
     * Callbacks run on a registry thread. {@code isLeader} may be called again with the same token when a
     * suspension ends and the leadership survived it.
     */
    interface Listener {
        void isLeader(Leadership leadership);

        void notLeader();

        default void suspended() {
        }
    }
}

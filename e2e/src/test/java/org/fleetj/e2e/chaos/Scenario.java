package org.fleetj.e2e.chaos;

/** One fault scenario: does something hostile to the cluster and says what it measured and what went wrong. */
interface Scenario {
    /** The name printed as {@code chaos_<name>=PASS|FAIL}. */
    String name();

    /**
     * Runs the fault on a converged cluster. Problems go into the outcome; the invariant checker's violations during
     * the run are added by the caller.
     */
    void run(ChaosCluster cluster, Outcome outcome) throws Exception;
}

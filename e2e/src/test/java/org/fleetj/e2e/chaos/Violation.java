package org.fleetj.e2e.chaos;

/** A broken invariant: when (ms since the checker started) and what. */
record Violation(long atMillis, String what) {
    @Override
    public String toString() {
        return "t=" + atMillis + "ms " + what;
    }
}

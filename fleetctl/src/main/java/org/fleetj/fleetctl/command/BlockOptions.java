package org.fleetj.fleetctl.command;

import picocli.CommandLine.Option;

/** fleet's {@code --no-block} and {@code --block-attempts} for the commands that wait for a state. */
public final class BlockOptions {
    @Option(names = "--no-block", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Do not wait until the units have reached the state before exiting. Always the case for global units.")
    boolean noBlock;

    @Option(names = "--block-attempts", paramLabel = "N", defaultValue = "0",
            description = "Wait until the units have reached the state, performing up to N attempts (of 2 s each) before giving up. "
                    + "A value of 0 indicates no limit. Does not apply to global units.")
    int blockAttempts;

    /** -1: don't wait; 0: wait without limit; N: up to N attempts. */
    public int attempts() {
        if (noBlock) return -1;
        return Math.max(0, blockAttempts);
    }
}

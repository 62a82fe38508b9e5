package org.fleetj.testkit;

import java.util.List;

/** What a finished command printed and how it exited. */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {
    public CommandResult {
        command = List.copyOf(command);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** stdout without the trailing newline(s), the usual shape of a one-line answer. */
    public String trimmed() {
        return stdout.strip();
    }

    /** @throws TestkitException naming the command, its exit code and stderr when it failed */
    public CommandResult requireSuccess() {
        if (!succeeded()) {
            throw new TestkitException("command " + command + " exited with " + exitCode
                    + (stderr.isBlank() ? "" : ": " + stderr.strip())
                    + (stdout.isBlank() ? "" : " (stdout: " + stdout.strip() + ")"));
        }
        return this;
    }
}

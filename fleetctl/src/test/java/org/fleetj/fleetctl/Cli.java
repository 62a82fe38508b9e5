package org.fleetj.fleetctl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs fleetctl in-process, as {@code main} would, and captures what it prints and its exit status. */
final class Cli {
    /** One fleetctl invocation's outcome. */
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err + "---";
        }
    }

    private Cli() {
    }

    static Result run(Map<String, String> env, String... args) {
        return run(env, new DriverClientFactory(), args);
    }

    static Result run(Map<String, String> env, ClientFactory factory, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = Fleetctl.run(args, env, new ByteArrayInputStream(new byte[0]), o, e, factory);
        }
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}

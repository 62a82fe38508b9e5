package org.fleetj.fleetctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs fleetctl in-process, as {@code main} would, and captures what it prints and its exit status. */
final class Cli {
    /** One fleetctl invocation's outcome. */
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err + "---";
        }

        /** Asserts all three at once, showing the whole outcome when any differs. */
        Result is(int exitCode, String stdout, String stderr) {
            assertEquals(new Result(exitCode, stdout, stderr).toString(), toString());
            return this;
        }

        /**
         * Like {@link #is} but for output whose lines may come in any order (units reported as they land
         * on different machines).
         */
        Result isInAnyOrder(int exitCode, String stdout, String stderr) {
            assertEquals(new Result(exitCode, sortedLines(stdout), stderr).toString(), new Result(exit, sortedLines(out), err).toString(),
                    "(stdout lines sorted)\n" + this);
            return this;
        }

        private static String sortedLines(String text) {
            return text.lines().sorted().map(l -> l + "\n").collect(java.util.stream.Collectors.joining());
        }
    }

    /** An invocation still running, whose output can be read while it runs. */
    static final class Running {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private CompletableFuture<Integer> exit;

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }

        boolean isDone() {
            return exit.isDone();
        }

        Result await() {
            try {
                return new Result(exit.get(20, TimeUnit.SECONDS), out(), err());
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                throw new AssertionError("fleetctl did not finish: " + e + "\nstdout so far:\n" + out() + "\nstderr so far:\n" + err(), e);
            }
        }
    }

    private Cli() {
    }

    static Result run(Map<String, String> env, String... args) {
        return start(env, args).await();
    }

    /** Runs fleetctl with another way of making its cluster client. */
    static Result run(Map<String, String> env, ClientFactory factory, String... args) {
        return start(env, factory, args).await();
    }

    /** Starts fleetctl on another thread. */
    static Running start(Map<String, String> env, String... args) {
        return start(env, new DriverClientFactory(), args);
    }

    private static Running start(Map<String, String> env, ClientFactory factory, String... args) {
        Running r = new Running();
        PrintStream o = new PrintStream(r.out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(r.err, true, StandardCharsets.UTF_8);
        r.exit = CompletableFuture.supplyAsync(() -> {
            try {
                return Fleetctl.run(args, env, new ByteArrayInputStream(new byte[0]), o, e, factory);
            } finally {
                o.close();
                e.close();
            }
        });
        return r;
    }
}

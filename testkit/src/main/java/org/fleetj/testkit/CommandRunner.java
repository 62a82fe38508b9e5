package org.fleetj.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs a host command to completion with a time limit, capturing stdout and stderr separately. */
public final class CommandRunner {
    /** Pipe readers block until EOF, so they get threads of their own rather than the common pool. */
    private static final java.util.concurrent.ExecutorService PIPE_READERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "testkit-pipe-reader");
        t.setDaemon(true);
        return t;
    });

    private CommandRunner() {
    }

    public static CommandResult run(List<String> command, Duration timeout) {
        return run(command, Map.of(), timeout);
    }

    public static CommandResult run(List<String> command, Map<String, String> extraEnv, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(extraEnv);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new TestkitException("cannot run " + command + ": " + e.getMessage(), e);
        }
        // both pipes are drained concurrently: a full stderr pipe would otherwise block the child
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()), PIPE_READERS);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()), PIPE_READERS);
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new TestkitException("command " + command + " did not finish within " + timeout.toSeconds() + " s");
            }
            return new CommandResult(command, p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new TestkitException("interrupted while running " + command, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            // a background child kept a pipe open after the command exited
            throw new TestkitException("could not collect the output of " + command + " (a child process kept stdout/stderr open?)", e);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package org.fleetj.e2e;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs programs of the checkout as a user does in a shell: the {@code bin/fleetctl} launcher (a JVM of its
 * own, so start-up, logging and exit codes are the real ones) or a script such as {@code scripts/demo},
 * each as a subprocess with a bounded run time. The environment is the host's without any
 * {@code FLEETCTL_*} variable, plus what the caller gives (usually {@code local-cluster env}'s exports).
 */
final class FleetctlProcess {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final ExecutorService PIPES = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fleetctl-process-pipe");
        t.setDaemon(true);
        return t;
    });

    private final Path repo;
    private final Map<String, String> env;
    private final Path workDir;

    private FleetctlProcess(Path repo, Map<String, String> env, Path workDir) {
        this.repo = repo;
        this.env = Map.copyOf(env);
        this.workDir = workDir;
    }

    /** bin/fleetctl with these variables, run in {@code workDir} (relative unit file names resolve there). */
    static FleetctlProcess in(Path workDir, Map<String, String> env) {
        return new FleetctlProcess(repoRoot(), env, workDir);
    }

    /** The checkout: the nearest directory at or above the working directory that has bin/fleetctl. */
    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("bin/fleetctl")) && Files.isDirectory(p.resolve("scripts"))) return p;
        }
        throw new IllegalStateException("no bin/fleetctl above " + Path.of("").toAbsolutePath());
    }

    FleetctlProcess withEnv(Map<String, String> more) {
        return new FleetctlProcess(repo, org.fleetj.testkit.FleetctlEnv.merge(env, more), workDir);
    }

    /** {@code fleetctl ARGS...} as typed in a shell; stdin is empty (not a terminal). */
    FleetCluster.Run fleetctl(String... args) {
        return fleetctl(DEFAULT_TIMEOUT, args);
    }

    FleetCluster.Run fleetctl(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("bin/fleetctl").toString()));
        cmd.addAll(List.of(args));
        return run(cmd, timeout, List.of(args));
    }

    /** Any program (a script of the checkout, a path relative to the checkout, or a command on PATH). */
    FleetCluster.Run program(Duration timeout, String program, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(program.contains("/") && !program.startsWith("/") ? repo.resolve(program).toString() : program);
        cmd.addAll(List.of(args));
        return run(cmd, timeout, cmd);
    }

    private FleetCluster.Run run(List<String> cmd, Duration timeout, List<String> shown) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("FLEETCTL_"));
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd, e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()), PIPES);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()), PIPES);
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(shown + " did not finish within " + timeout.toSeconds() + " s; output so far:\n"
                        + out.getNow("") + err.getNow(""));
            }
            return new FleetCluster.Run(shown, p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted while running " + shown, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not collect the output of " + shown, e);
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

package org.fleetj.fleetctl.ssh;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.fleetj.fleetctl.Session;

/**
 * The local terminal, as far as the JVM can reach it without native code: whether stdin is one (its
 * {@code /proc/self/fd/0} link), its size and raw mode through stty(1) on {@code /dev/tty}.
 */
public final class Terminal {
    private static final Path TTY = Path.of("/dev/tty");

    private Terminal() {
    }

    /** Whether this process's stdin is a terminal (a pty or a console). */
    public static boolean stdinIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            return isTerminalDevice(target);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static boolean isTerminalDevice(String path) {
        return path.startsWith("/dev/pts/") || path.startsWith("/dev/tty") || path.equals("/dev/console");
    }

    /** The prompt for unknown host keys: on the terminal when fleetctl reads the real stdin and it is one. */
    static HostKeyPrompt promptFor(Session session) {
        boolean interactive = session.in() == System.in && stdinIsTerminal();
        return new TerminalPrompt(session.in(), session.err(), interactive);
    }

    /** Columns and rows of the terminal, if there is one. */
    public static Optional<int[]> size() {
        Optional<String> out = stty("size");
        if (out.isEmpty()) return Optional.empty();
        String[] parts = out.get().trim().split("\\s+");
        if (parts.length != 2) return Optional.empty();
        try {
            int rows = Integer.parseInt(parts[0]);
            int cols = Integer.parseInt(parts[1]);
            if (rows <= 0 || cols <= 0) return Optional.empty();
            return Optional.of(new int[] {cols, rows});
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Puts the terminal in raw mode (no echo, no line editing, no signals: keys such as Ctrl-C go to the
     * remote side) until the returned handle is closed, which restores the saved settings.
     */
    public static RawMode raw() {
        Optional<String> saved = stty("-g");
        if (saved.isEmpty() || stty("raw", "-echo").isEmpty()) return () -> { };
        String settings = saved.get().trim();
        Thread restoreAtExit = new Thread(() -> stty(settings), "terminal-restore");
        Runtime.getRuntime().addShutdownHook(restoreAtExit);
        return () -> {
            stty(settings);
            try {
                Runtime.getRuntime().removeShutdownHook(restoreAtExit);
            } catch (IllegalStateException exiting) {
                // the hook restores anyway
            }
        };
    }

    /**
     * Calls {@code action} whenever the terminal window changes size (SIGWINCH), for as long as the JVM
     * runs. Where the JVM offers no signal handling, window changes are just not passed on.
     */
    @SuppressWarnings("removal")
    public static void onResize(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), signal -> action.run());
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            // no SIGWINCH here: the remote side keeps the size it started with
        }
    }

    /** Terminal settings to restore. */
    @FunctionalInterface
    public interface RawMode extends AutoCloseable {
        @Override
        void close();
    }

    private static Optional<String> stty(String... args) {
        if (!Files.isReadable(TTY)) return Optional.empty();
        List<String> cmd = new java.util.ArrayList<>(List.of("stty"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File(TTY.toString())))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? Optional.of(new String(out, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}

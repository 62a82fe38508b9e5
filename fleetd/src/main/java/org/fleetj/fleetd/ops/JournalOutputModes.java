package org.fleetj.fleetd.ops;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code --output} modes this machine's journalctl accepts, asked of journalctl itself once
 * ({@code journalctl --output=help}), so a mode is valid exactly when journalctl would take it. When journalctl
 * cannot be asked, systemd 252's list is used. Asked when the first journal request needs it, not while fleetd
 * starts (a process fork and a wait on the start's path; docs/benchmarks.md, fleetd footprint).
 */
final class JournalOutputModes {
    private static final Logger LOG = LoggerFactory.getLogger(JournalOutputModes.class);
    static final List<String> SYSTEMD_252 = List.of("short", "short-full", "short-iso", "short-iso-precise", "short-precise",
            "short-monotonic", "short-delta", "short-unix", "verbose", "export", "json", "json-pretty", "json-sse", "json-seq",
            "cat", "with-unit");

    private final Supplier<Set<String>> source;
    private Set<String> modes;

    private JournalOutputModes(Supplier<Set<String>> source) {
        this.source = source;
    }

    static JournalOutputModes ofThisMachine() {
        return new JournalOutputModes(JournalOutputModes::askJournalctl);
    }

    private static Set<String> askJournalctl() {
        try {
            Process p = new ProcessBuilder("journalctl", "--output=help").redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readNBytes(8192);
            }
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                Set<String> modes = new LinkedHashSet<>();
                for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
                    String m = line.trim();
                    if (m.matches("[a-z][a-z0-9-]*")) modes.add(m);
                }
                if (!modes.isEmpty()) return modes;
            }
            p.destroy();
        } catch (IOException e) {
            LOG.debug("journalctl --output=help failed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("could not ask journalctl for its output modes; accepting systemd 252's: {}", SYSTEMD_252);
        return new LinkedHashSet<>(SYSTEMD_252);
    }

    static JournalOutputModes of(List<String> modes) {
        Set<String> given = new LinkedHashSet<>(modes);
        return new JournalOutputModes(() -> given);
    }

    private synchronized Set<String> modes() {
        if (modes == null) modes = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(source.get()));
        return modes;
    }

    boolean contains(String mode) {
        return modes().contains(mode);
    }

    @Override
    public String toString() {
        return String.join(", ", modes());
    }
}

package org.fleetj.fleetd.ops;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * journalctl or systemctl run on this machine from an argument vector (never a shell), stderr merged into
 * stdout, no terminal: the same plain output fleetctl gets over SSH.
 */
final class LocalCommand implements StreamPump.Source {
    private final Process process;

    private LocalCommand(Process process) {
        this.process = process;
    }

    static LocalCommand start(List<String> argv) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.put("SYSTEMD_PAGER", "cat");
        env.put("SYSTEMD_COLORS", "0");
        return new LocalCommand(pb.start());
    }

    @Override
    public InputStream input() {
        return process.getInputStream();
    }

    @Override
    public int exitStatus() throws InterruptedException {
        return process.waitFor();
    }

    @Override
    public void abort() {
        if (process.isAlive()) process.destroy();
    }
}

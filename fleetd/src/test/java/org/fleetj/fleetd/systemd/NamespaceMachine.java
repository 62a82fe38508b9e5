package org.fleetj.fleetd.systemd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One real machine for the systemd integration test: pid, mount, uts, ipc and net namespaces with
 * Debian's systemd as PID 1, its own machine-id, /run, /tmp and /var/tmp, and its own cgroup subtree,
 * booted to a small target with dbus — the project's harness recipe (docs: harness.md) without
 * network, sshd or etcd, which this test does not need. Needs root.
 *
 * <p>Why each step matters is the harness's gotcha list: a private /tmp (else the machine's
 * tmpfiles wipes the host's /tmp), own cgroups (else machines share service cgroups), the runtime
 * masks of host-global units, {@code container=} so systemd skips kernel setup and powers off cleanly.
 */
public final class NamespaceMachine implements AutoCloseable {

    private static final List<String> CGROUP_CONTROLLERS =
            List.of("systemd", "unified", "cpu", "cpuacct", "blkio", "memory", "devices", "pids", "freezer");
    private static final String CGROUP_PARENT = "fleetj-systemd-it";
    private static final String TARGET = "fleetj-it.target";
    private static final String MASKED_UNITS = String.join(" ",
            "systemd-remount-fs.service", "systemd-machine-id-commit.service", "systemd-firstboot.service",
            "systemd-binfmt.service", "proc-sys-fs-binfmt_misc.automount", "proc-sys-fs-binfmt_misc.mount",
            "systemd-modules-load.service", "systemd-sysctl.service", "kmod-static-nodes.service",
            "systemd-tmpfiles-setup-dev.service", "systemd-random-seed.service", "systemd-pstore.service",
            "systemd-repart.service", "systemd-pcrphase.service", "systemd-pcrphase-sysinit.service",
            "systemd-timesyncd.service", "systemd-time-wait-sync.service", "sys-kernel-config.mount",
            "sys-kernel-debug.mount", "sys-kernel-tracing.mount", "sys-fs-fuse-connections.mount",
            "dev-hugepages.mount", "systemd-hwdb-update.service", "systemd-journal-catalog-update.service",
            "ldconfig.service", "systemd-update-done.service", "e2scrub_reap.service",
            "systemd-journal-flush.service", "apt-daily.timer", "apt-daily-upgrade.timer", "dpkg-db-backup.timer",
            "e2scrub_all.timer", "fstrim.timer", "man-db.timer", "logrotate.timer", "systemd-tmpfiles-clean.timer");

    /** Runs as the machine's PID 1 before it becomes systemd. */
    private static final String INIT = """
            set -e
            mount --make-rprivate /
            umount -R -l /run/netns 2>/dev/null || true
            # identity first: the state dir may itself live under /tmp or /var/tmp, hidden below
            mount --bind "$M_DIR/machine-id" /etc/machine-id
            mount --bind "$M_DIR/machine-id" /var/lib/dbus/machine-id
            mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /run
            mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
            mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /var/tmp
            hostname "$M_NAME"
            mkdir -p /run/systemd/system /run/systemd/journald.conf.d
            printf '[Journal]\\nStorage=volatile\\n' >/run/systemd/journald.conf.d/it.conf
            for u in $M_MASK; do ln -sf /dev/null "/run/systemd/system/$u"; done
            printf '[Unit]\\nRequires=basic.target\\nWants=dbus.socket dbus.service\\nAfter=basic.target dbus.service\\nAllowIsolate=yes\\n' \\
              >"/run/systemd/system/$M_TARGET"
            exec env -i container=fleetj-it PATH=/usr/sbin:/usr/bin:/sbin:/bin \\
              /usr/lib/systemd/systemd --unit="$M_TARGET" --log-target=console
            """;

    private final String name;
    private final Path dir;
    private final Process launcher;
    private long pid = -1;

    private NamespaceMachine(String name, Path dir, Process launcher) {
        this.name = name;
        this.dir = dir;
        this.launcher = launcher;
    }

    /** Boots a machine and waits until its systemd answers on its system bus. */
    public static NamespaceMachine boot(Path stateRoot, Duration timeout) throws IOException, InterruptedException {
        String name = "sdit-" + UUID.randomUUID().toString().substring(0, 8);
        Path dir = Files.createDirectories(stateRoot.toAbsolutePath().resolve(name));
        // on disk, never tmpfs: see systemd-machine-id-commit in the harness notes
        Files.writeString(dir.resolve("machine-id"), UUID.randomUUID().toString().replace("-", "") + "\n");
        List<String> cgroupDirs = new ArrayList<>();
        for (String c : CGROUP_CONTROLLERS) {
            Path ctl = Path.of("/sys/fs/cgroup", c);
            if (Files.exists(ctl.resolve("cgroup.procs"))) {
                Path cg = Files.createDirectories(ctl.resolve(CGROUP_PARENT).resolve(name));
                cgroupDirs.add(cg.toString());
            }
        }
        // the outer sh moves itself into the machine's cgroups, then becomes unshare, whose child is PID 1
        String launch = "for c in " + String.join(" ", cgroupDirs) + "; do echo $$ >\"$c/cgroup.procs\"; done\n"
                + "exec unshare --pid --fork --mount --uts --ipc --net --mount-proc --propagation private "
                + "sh -c \"$M_INIT\"";
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", launch)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("console.log").toFile());
        Map<String, String> env = pb.environment();
        env.put("M_INIT", INIT);
        env.put("M_DIR", dir.toString());
        env.put("M_NAME", name);
        env.put("M_MASK", MASKED_UNITS);
        env.put("M_TARGET", TARGET);
        Process launcher = pb.start();
        NamespaceMachine m = new NamespaceMachine(name, dir, launcher);
        try {
            m.awaitSystemd(System.nanoTime() + timeout.toNanos());
            return m;
        } catch (IOException | InterruptedException | RuntimeException e) {
            m.close(); // whatever got as far as it did is torn down again
            throw e;
        }
    }

    private void awaitSystemd(long deadline) throws IOException, InterruptedException {
        while (pid < 0 && System.nanoTime() < deadline) {
            pid = launcher.descendants().filter(p -> "systemd".equals(comm(p.pid()))).mapToLong(ProcessHandle::pid)
                    .findFirst().orElse(-1);
            if (pid < 0) {
                if (!launcher.isAlive()) {
                    throw new IOException("machine " + name + " did not start: "
                            + Files.readString(dir.resolve("console.log")));
                }
                Thread.sleep(20);
            }
        }
        if (pid < 0) {
            throw new IOException("machine " + name + ": no systemd process appeared");
        }
        awaitBus(deadline);
    }

    private void awaitBus(long deadlineNanos) throws IOException, InterruptedException {
        String last = "";
        while (System.nanoTime() < deadlineNanos) {
            last = run(false, "nsenter", "-t", String.valueOf(pid), "-a", "busctl", "call", "org.freedesktop.systemd1",
                    "/org/freedesktop/systemd1", "org.freedesktop.DBus.Peer", "Ping");
            String state = run(false, "nsenter", "-t", String.valueOf(pid), "-a", "systemctl", "is-system-running").trim();
            if (last.isEmpty() && (state.equals("running") || state.equals("degraded"))) {
                return;
            }
            last = last + " state=" + state;
            Thread.sleep(50);
        }
        throw new IOException("machine " + name + ": systemd not reachable on its bus: " + last);
    }

    public String name() {
        return name;
    }

    /** Host PID of the machine's systemd. */
    public long pid() {
        return pid;
    }

    /** Where the machine's "/" is seen from the host. */
    public Path root() {
        return Path.of("/proc", String.valueOf(pid), "root");
    }

    /** The machine's system bus as reached from the host. */
    public String busAddress() {
        return "unix:path=" + root().resolve("run/dbus/system_bus_socket");
    }

    public String machineId() throws IOException {
        return Files.readString(dir.resolve("machine-id")).trim();
    }

    /** Runs a command inside the machine (all its namespaces); returns stdout+stderr, fails on non-zero exit. */
    public String sh(String script) throws IOException, InterruptedException {
        return run(true, "nsenter", "-t", String.valueOf(pid), "-a", "sh", "-c", script).trim();
    }

    /** As {@link #sh} but returns the output whatever the exit status (for systemctl is-active etc.). */
    public String shAnyExit(String script) throws IOException, InterruptedException {
        return run(false, "nsenter", "-t", String.valueOf(pid), "-a", "sh", "-c", script).trim();
    }

    private static String run(boolean check, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", cmd));
        }
        if (check && p.exitValue() != 0) {
            throw new IOException("exit " + p.exitValue() + " from " + String.join(" ", cmd) + ": " + out);
        }
        return out;
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(pid), "comm")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** Powers the machine off (SIGRTMIN+4 = systemctl poweroff), hard-kills it if that hangs, removes its cgroups and files. */
    @Override
    public void close() {
        try {
            if (pid > 0 && ProcessHandle.of(pid).isPresent()) {
                run(false, "kill", "-s", "RTMIN+4", String.valueOf(pid));
                if (!waitGone(Duration.ofSeconds(10))) {
                    // killing PID 1 of a pid namespace takes the whole machine with it at once
                    run(false, "kill", "-9", String.valueOf(pid));
                    waitGone(Duration.ofSeconds(5));
                }
            }
            if (pid < 0) {
                // boot failed before systemd ran: the would-be PID 1 still takes its namespace with it
                launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            }
            if (!launcher.waitFor(5, TimeUnit.SECONDS)) {
                launcher.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        for (String c : CGROUP_CONTROLLERS) {
            removeTree(Path.of("/sys/fs/cgroup", c, CGROUP_PARENT, name));
            Path.of("/sys/fs/cgroup", c, CGROUP_PARENT).toFile().delete(); // only succeeds when empty
        }
        removeTree(dir);
    }

    private boolean waitGone(Duration d) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            if (ProcessHandle.of(pid).map(ph -> !ph.isAlive()).orElse(true) || comm(pid).isEmpty()) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** Depth-first rmdir/delete; cgroup dirs can only be rmdir'ed, so no recursive file deletes there. */
    private static void removeTree(Path top) {
        if (!Files.exists(top)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(top)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                if (p.startsWith("/sys/fs/cgroup") && !Files.isDirectory(p)) {
                    return;
                }
                p.toFile().delete();
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            // best effort: a leftover empty directory does no harm
        }
    }
}

package org.fleetj.fleetd.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.fleetj.fleetd.config.PlacementConfig;
import org.fleetj.unit.Resources;

/**
 * What this machine announces it can hold for units: CPU and memory as configured ({@code capacity_cpu},
 * {@code capacity_memory}), or else detected (processors and MemTotal, lowered to the cgroup limits of the
 * machine's root cgroup, v2 {@code cpu.max}/{@code memory.max} or v1 {@code cpu.cfs_quota_us}/
 * {@code memory.limit_in_bytes}: in a container or a local-cluster machine those are its real size) minus the
 * system's reserve. A configured value is taken as is: the operator already chose what units may have.
 */
public final class CapacityDetector {

    private final Path procRoot;
    private final Path cgroupRoot;

    /** Reads the real /proc and /sys/fs/cgroup. */
    public CapacityDetector() {
        this(Path.of("/proc"), Path.of("/sys/fs/cgroup"));
    }

    /** Reads files under other roots (tests). */
    public CapacityDetector(Path procRoot, Path cgroupRoot) {
        this.procRoot = procRoot;
        this.cgroupRoot = cgroupRoot;
    }

    public Resources capacity(PlacementConfig c) {
        long cpu = c.cpu().orElseGet(() -> Math.max(1, detectedCpuMillis() - c.reserved().cpuMillis()));
        long memory = c.memory().orElseGet(() -> Math.max(1, detectedMemoryBytes() - c.reserved().memoryBytes()));
        return new Resources(cpu, memory);
    }

    long detectedCpuMillis() {
        long cpus = 1000L * Runtime.getRuntime().availableProcessors();
        OptionalLong quota = cgroupCpuMillis();
        return quota.isPresent() ? Math.min(cpus, quota.getAsLong()) : cpus;
    }

    long detectedMemoryBytes() {
        long total = memTotal().orElse(0);
        OptionalLong limit = cgroupMemoryBytes();
        if (limit.isPresent() && (total == 0 || limit.getAsLong() < total)) {
            return limit.getAsLong();
        }
        return total;
    }

    /** {@code cpu.max} "quota period" (v2) or cfs quota/period (v1); empty when unlimited or unreadable. */
    OptionalLong cgroupCpuMillis() {
        Optional<String> v2 = read(cgroupRoot.resolve("cpu.max"));
        if (v2.isPresent()) {
            String[] parts = v2.get().trim().split("\\s+");
            if (parts.length == 2 && !parts[0].equals("max")) {
                return OptionalLong.of(Long.parseLong(parts[0]) * 1000 / Long.parseLong(parts[1]));
            }
            return OptionalLong.empty();
        }
        Optional<String> quota = read(cgroupRoot.resolve("cpu/cpu.cfs_quota_us"));
        Optional<String> period = read(cgroupRoot.resolve("cpu/cpu.cfs_period_us"));
        if (quota.isPresent() && period.isPresent() && !quota.get().trim().startsWith("-")) {
            return OptionalLong.of(Long.parseLong(quota.get().trim()) * 1000 / Long.parseLong(period.get().trim()));
        }
        return OptionalLong.empty();
    }

    /** {@code memory.max} (v2) or {@code memory.limit_in_bytes} (v1; its "unlimited" is a huge number). */
    OptionalLong cgroupMemoryBytes() {
        for (Path p : List.of(cgroupRoot.resolve("memory.max"), cgroupRoot.resolve("memory/memory.limit_in_bytes"))) {
            Optional<String> v = read(p);
            if (v.isPresent()) {
                String t = v.get().trim();
                return t.equals("max") || t.length() >= 19 ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(t));
            }
        }
        return OptionalLong.empty();
    }

    private OptionalLong memTotal() {
        Optional<String> meminfo = read(procRoot.resolve("meminfo"));
        if (meminfo.isEmpty()) {
            return OptionalLong.empty();
        }
        for (String line : meminfo.get().split("\n")) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.substring("MemTotal:".length()).trim().split("\\s+");
                return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
            }
        }
        return OptionalLong.empty();
    }

    private static Optional<String> read(Path p) {
        try {
            return Files.isReadable(p) ? Optional.of(Files.readString(p)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}

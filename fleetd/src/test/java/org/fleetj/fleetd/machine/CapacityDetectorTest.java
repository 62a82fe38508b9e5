package org.fleetj.fleetd.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.fleetj.fleetd.config.PlacementConfig;
import org.fleetj.scheduler.Ranking;
import org.fleetj.unit.Resources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capacity from /proc/meminfo and cgroup v1/v2 limits (files under a temporary root), minus the reserve; config wins. */
class CapacityDetectorTest {
    @TempDir
    Path root;

    private CapacityDetector detector() throws IOException {
        Path proc = Files.createDirectories(root.resolve("proc"));
        Files.writeString(proc.resolve("meminfo"), "MemTotal:       16384000 kB\nMemFree:  1 kB\n");
        return new CapacityDetector(proc, Files.createDirectories(root.resolve("cgroup")));
    }

    private static PlacementConfig reserve(long cpu, long memory) {
        return new PlacementConfig(Optional.empty(), Optional.empty(), new Resources(cpu, memory), Ranking.SPREAD, 3);
    }

    @Test
    void withoutCgroupLimitsTheMachineIsProcessorsAndMemTotalMinusTheReserve() throws IOException {
        Resources c = detector().capacity(reserve(100, 1024));
        assertEquals(1000L * Runtime.getRuntime().availableProcessors() - 100, c.cpuMillis());
        assertEquals(16384000L * 1024 - 1024, c.memoryBytes());
    }

    @Test
    void cgroupV2LimitsLowerTheCapacity() throws IOException {
        CapacityDetector d = detector();
        Files.writeString(root.resolve("cgroup/cpu.max"), "50000 100000\n");
        Files.writeString(root.resolve("cgroup/memory.max"), "2147483648\n");
        Resources c = d.capacity(reserve(100, 256L << 20));
        assertEquals(Math.min(500, 1000L * Runtime.getRuntime().availableProcessors()) - 100, c.cpuMillis());
        assertEquals((2L << 30) - (256L << 20), c.memoryBytes());
    }

    @Test
    void cgroupV2MaxMeansNoLimitAndV1IsReadToo() throws IOException {
        CapacityDetector d = detector();
        Files.writeString(root.resolve("cgroup/cpu.max"), "max 100000\n");
        Files.createDirectories(root.resolve("cgroup/memory"));
        Files.writeString(root.resolve("cgroup/memory/memory.limit_in_bytes"), "1073741824\n");
        Resources c = d.capacity(reserve(0, 0));
        assertEquals(1000L * Runtime.getRuntime().availableProcessors(), c.cpuMillis());
        assertEquals(1L << 30, c.memoryBytes());
        Files.writeString(root.resolve("cgroup/memory/memory.limit_in_bytes"), "9223372036854771712\n");
        assertEquals(16384000L * 1024, d.capacity(reserve(0, 0)).memoryBytes(), "v1's 'unlimited' is a huge number");
    }

    @Test
    void configuredValuesAreTakenAsTheyAre() throws IOException {
        PlacementConfig c = new PlacementConfig(Optional.of(2500L), Optional.of(3L << 30), new Resources(100, 1 << 20), Ranking.SPREAD, 3);
        assertEquals(new Resources(2500, 3L << 30), detector().capacity(c));
    }
}

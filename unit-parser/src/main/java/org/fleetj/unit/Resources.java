package org.fleetj.unit;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * An amount of CPU and memory: what a unit requests ({@code [X-Fleet]} RequestCPU/RequestMemory) or what a
 * machine can hold (its announced capacity). CPU in millicores (1000 = one core), memory in bytes. Zero means
 * "none stated": a unit that requests nothing fits anywhere, and a machine that states no capacity for a
 * dimension has no limit in it (machines of older fleetd versions, and fleet's own behaviour).
 */
public record Resources(long cpuMillis, long memoryBytes) {

    /** Nothing requested, or no capacity stated. */
    public static final Resources NONE = new Resources(0, 0);

    private static final long KIB = 1024;

    public Resources {
        if (cpuMillis < 0 || memoryBytes < 0) {
            throw new IllegalArgumentException("resources cannot be negative: cpu " + cpuMillis + "m, memory " + memoryBytes);
        }
    }

    public boolean isNone() {
        return cpuMillis == 0 && memoryBytes == 0;
    }

    public Resources plus(Resources o) {
        return new Resources(cpuMillis + o.cpuMillis, memoryBytes + o.memoryBytes);
    }

    /** This minus {@code o}, each dimension at least zero. */
    public Resources minusFloored(Resources o) {
        return new Resources(Math.max(0, cpuMillis - o.cpuMillis), Math.max(0, memoryBytes - o.memoryBytes));
    }

    /**
     * Parses a CPU amount in cores: {@code 2}, {@code 0.5}, or millicores {@code 500m} (Kubernetes' notation).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static long parseCpuMillis(String text) {
        String t = text.trim();
        try {
            BigDecimal millis = t.endsWith("m")
                    ? new BigDecimal(t.substring(0, t.length() - 1))
                    : new BigDecimal(t).movePointRight(3);
            if (millis.signum() < 0) {
                throw new IllegalArgumentException("\"" + text + "\" is negative");
            }
            if (millis.stripTrailingZeros().scale() > 0) {
                throw new IllegalArgumentException("\"" + text + "\" is finer than a millicore (0.001)");
            }
            return millis.longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a CPU amount; use cores (2, 0.5) or millicores (500m)");
        }
    }

    /**
     * Parses a memory size as systemd does (MemoryMax=): bytes, or a number with K, M, G or T (base 1024,
     * decimals allowed, e.g. {@code 1.5G}).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static long parseMemoryBytes(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> unit = KIB;
                case 'M' -> unit = KIB * KIB;
                case 'G' -> unit = KIB * KIB * KIB;
                case 'T' -> unit = KIB * KIB * KIB * KIB;
                default -> unit = 1;
            }
        }
        String number = unit == 1 ? t : t.substring(0, t.length() - 1);
        try {
            BigDecimal bytes = new BigDecimal(number).multiply(BigDecimal.valueOf(unit));
            if (bytes.signum() < 0) {
                throw new IllegalArgumentException("\"" + text + "\" is negative");
            }
            return bytes.setScale(0, java.math.RoundingMode.CEILING).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a memory size; use bytes or a number with K, M, G or T (512M, 1.5G)");
        }
    }

    /** CPU as people write it: {@code 1.5 CPU}, {@code 250m CPU}. */
    public static String formatCpu(long millis) {
        return (millis % 1000 == 0 ? Long.toString(millis / 1000)
                : millis < 1000 ? millis + "m" : BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString()) + " CPU";
    }

    /** Memory as people read it: {@code 1.5 GiB}, {@code 512 MiB}, {@code 100 B}. */
    public static String formatMemory(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int i = 0;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        // whole numbers without a fraction: compare the one-decimal rendering instead of doubles for equality
        String n = String.format(Locale.ROOT, "%.1f", v);
        if (n.endsWith(".0")) n = n.substring(0, n.length() - 2);
        return n + " " + units[i];
    }

    @Override
    public String toString() {
        return formatCpu(cpuMillis) + ", " + formatMemory(memoryBytes);
    }
}

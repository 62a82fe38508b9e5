package org.fleetj.fleetd.config;

import java.util.Objects;
import java.util.Optional;
import org.fleetj.scheduler.Ranking;
import org.fleetj.unit.Resources;

/**
 * fleet.conf options for placement beyond fleet (see the README's table).
 *
 * @param cpu              {@code capacity_cpu}: CPU units may reserve on this machine; empty = detected
 * @param memory           {@code capacity_memory}: memory units may reserve; empty = detected
 * @param reserved         {@code reserved_cpu}, {@code reserved_memory}: kept back for the system and fleetd
 *                         (taken from a detected capacity, not from a configured one)
 * @param ranking          {@code placement_ranking}: spread (default) or binpack; read by the engine
 * @param drainMovesPerPass {@code drain_batch_size}: units the engine moves off draining machines per pass
 */
public record PlacementConfig(Optional<Long> cpu, Optional<Long> memory, Resources reserved, Ranking ranking,
                              int drainMovesPerPass) {

    public static final PlacementConfig DEFAULT = new PlacementConfig(Optional.empty(), Optional.empty(),
            new Resources(100, 256L << 20), Ranking.SPREAD, 3);

    public PlacementConfig {
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(reserved, "reserved");
        Objects.requireNonNull(ranking, "ranking");
    }

    static PlacementConfig parse(String cpu, String memory, String reservedCpu, String reservedMemory, String ranking,
                                 String drainBatch) throws ConfigException {
        return new PlacementConfig(
                cpu.isEmpty() ? Optional.empty() : Optional.of(amount("capacity_cpu", cpu, true)),
                memory.isEmpty() ? Optional.empty() : Optional.of(amount("capacity_memory", memory, false)),
                new Resources(amount("reserved_cpu", reservedCpu, true), amount("reserved_memory", reservedMemory, false)),
                ranking(ranking),
                ConfigValues.integer("drain_batch_size", drainBatch, 1, 1000));
    }

    private static long amount(String option, String value, boolean cpu) throws ConfigException {
        try {
            return cpu ? Resources.parseCpuMillis(value) : Resources.parseMemoryBytes(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid value for " + option + ": " + e.getMessage());
        }
    }

    private static Ranking ranking(String value) throws ConfigException {
        try {
            return Ranking.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid value for placement_ranking: " + e.getMessage());
        }
    }

    String describe() {
        return " capacity_cpu=" + cpu.map(Resources::formatCpu).orElse("detected")
                + " capacity_memory=" + memory.map(Resources::formatMemory).orElse("detected")
                + " reserved=" + reserved + " placement_ranking=" + ranking.configName() + " drain_batch_size=" + drainMovesPerPass;
    }
}

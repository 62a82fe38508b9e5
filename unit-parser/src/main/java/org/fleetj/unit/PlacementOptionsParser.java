package org.fleetj.unit;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Reads the placement options this project adds to {@code [X-Fleet]} (fleet v1.0 warned about them as unknown
 * keys and ignored them, so unit files using them still load on fleet):
 * <ul>
 *   <li>{@code RequestCPU=}: cores the unit needs ({@code 2}, {@code 0.5}, {@code 250m}); named after Kubernetes'
 *       resource requests, which is what it is: a reservation the scheduler counts, not a limit systemd enforces
 *       (set {@code CPUQuota=} in [Service] for that).</li>
 *   <li>{@code RequestMemory=}: memory the unit needs, in systemd's size syntax ({@code 512M}, {@code 1.5G}).</li>
 *   <li>{@code MaxPerMachine=N}: at most N instances of this unit's template on one machine (a generalised
 *       {@code Conflicts=foo@*}: N=1 is the same rule, without naming the template).</li>
 *   <li>{@code SpreadBy=key}: the template's instances go to the value of machine metadata {@code key} (e.g.
 *       {@code region}) that has fewest of them, so they spread evenly over its values.</li>
 * </ul>
 * The last value of each option wins (as for {@code Global}). A bad value is refused with a message naming the option.
 */
final class PlacementOptionsParser {

    static final String REQUEST_CPU = "RequestCPU";
    static final String REQUEST_MEMORY = "RequestMemory";
    static final String MAX_PER_MACHINE = "MaxPerMachine";
    static final String SPREAD_BY = "SpreadBy";

    /** The [X-Fleet] keys read here. */
    static final Set<String> KEYS = Set.of(REQUEST_CPU, REQUEST_MEMORY, MAX_PER_MACHINE, SPREAD_BY);

    private PlacementOptionsParser() {
    }

    /** @param values reads one option's values, specifiers expanded, for a key of {@link #KEYS} */
    static PlacementRequests parse(UnitName name, BiFunction<UnitName, String, List<String>> values) throws UnitParseException {
        long cpu = 0;
        long memory = 0;
        try {
            Optional<String> v = last(values.apply(name, REQUEST_CPU));
            if (v.isPresent()) {
                cpu = Resources.parseCpuMillis(v.get());
            }
        } catch (IllegalArgumentException e) {
            throw new UnitParseException("[X-Fleet] " + REQUEST_CPU + ": " + e.getMessage());
        }
        try {
            Optional<String> v = last(values.apply(name, REQUEST_MEMORY));
            if (v.isPresent()) {
                memory = Resources.parseMemoryBytes(v.get());
            }
        } catch (IllegalArgumentException e) {
            throw new UnitParseException("[X-Fleet] " + REQUEST_MEMORY + ": " + e.getMessage());
        }
        int max = 0;
        Optional<String> maxText = last(values.apply(name, MAX_PER_MACHINE));
        if (maxText.isPresent()) {
            try {
                max = Integer.parseInt(maxText.get().trim());
            } catch (NumberFormatException e) {
                max = -1;
            }
            if (max < 1) {
                throw new UnitParseException("[X-Fleet] " + MAX_PER_MACHINE + "=\"" + maxText.get() + "\" is not a positive whole number");
            }
        }
        Optional<String> spreadBy = last(values.apply(name, SPREAD_BY)).map(String::trim);
        if (spreadBy.isPresent() && (spreadBy.get().isEmpty() || spreadBy.get().contains("="))) {
            throw new UnitParseException("[X-Fleet] " + SPREAD_BY + "=\"" + spreadBy.get() + "\" is not a metadata key (e.g. region)");
        }
        if ((max > 0 || spreadBy.isPresent()) && !name.isInstance() && !name.isTemplate()) {
            throw new UnitParseException("[X-Fleet] " + (max > 0 ? MAX_PER_MACHINE : SPREAD_BY)
                    + " applies to the instances of a template (such as web@1.service); " + name.full() + " is not one");
        }
        PlacementRequests p = new PlacementRequests(new Resources(cpu, memory), max, spreadBy);
        return p.isNone() ? PlacementRequests.NONE : p;
    }

    /** Combinations with fleet's options that cannot work; the message names both options. */
    static void validate(XFleet x) throws UnitParseException {
        PlacementRequests p = x.placement();
        String ours = p.maxPerMachine() > 0 ? MAX_PER_MACHINE : p.spreadBy().isPresent() ? SPREAD_BY : null;
        if (ours == null) {
            return;
        }
        if (x.global()) {
            throw combination("Global", ours);
        }
        if (x.machineId().isPresent()) {
            throw combination("MachineID", ours);
        }
    }

    private static UnitParseException combination(String a, String b) {
        return new UnitParseException("invalid [X-Fleet] requirements: " + a + " cannot be combined with " + b);
    }

    private static Optional<String> last(List<String> values) {
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
    }
}

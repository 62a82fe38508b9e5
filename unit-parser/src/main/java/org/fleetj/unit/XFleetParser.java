package org.fleetj.unit;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a unit's {@code [X-Fleet]} section into a validated {@link XFleet}, with fleet's semantics:
 * <ul>
 *   <li>Keys and legacy aliases: {@code MachineID} ({@code X-ConditionMachineID}, then
 *       {@code X-ConditionMachineBootID}; only the first value counts), {@code MachineOf}
 *       ({@code X-ConditionMachineOf}), {@code MachineMetadata} ({@code X-ConditionMachineMetadata}),
 *       {@code Conflicts} ({@code X-Conflicts}), {@code Global}, {@code Replaces}. Values of a legacy alias come
 *       before those of the modern key, as in fleet. Any other key is a warning ({@link #warnings}), not an error.</li>
 *   <li>A value that starts and ends with {@code "} holds several quoted values separated by spaces
 *       ({@code MachineMetadata="a=b" "c=d"}), as fleet's multi-value parsing does.</li>
 *   <li>Specifiers are expanded per value for the unit's own name: {@code %n} full name, {@code %N} name
 *       without type, {@code %p} prefix, {@code %i} instance; beyond fleet, {@code %%} is a literal {@code %}.
 *       Other {@code %x} sequences are left alone, as fleet does.</li>
 *   <li>{@code MachineMetadata}: an entry that is not exactly one {@code =} with a non-empty key and value is
 *       ignored (with a warning), as fleet does. Beyond fleet, {@code key!=value} is a negated requirement.</li>
 *   <li>{@code Conflicts}: each value is also split on whitespace. {@code Global}: the last value wins; fleet's
 *       true words are {@code true yes 1 on t} in any case, and any other word means not global, as in fleet
 *       ({@link #isGlobal(UnitFile, String)} is the one place this rule lives); a word that is neither a true
 *       nor a false word ({@code false no 0 off f}) is a warning.</li>
 *   <li>Beyond fleet: an empty {@code MachineID}, {@code MachineOf} or {@code Replaces} value and a malformed glob
 *       in {@code Conflicts}/{@code Replaces} are errors (fleet accepted them and then could never place the unit
 *       as meant).</li>
 *   <li>Beyond fleet: the placement options of {@link PlacementOptionsParser} (RequestCPU, RequestMemory,
 *       MaxPerMachine, SpreadBy), the failure policy ({@link FailurePolicy}) and one-shot jobs ({@link JobOption}).</li>
 *   <li>Rejected combinations (message names both options): MachineID with MachineOf, Conflicts, Global or
 *       Replaces; Global with MachineOf or Replaces; a MachineOf peer that matches a Conflicts or Replaces
 *       glob ("unresolvable requirements").</li>
 * </ul>
 */
public final class XFleetParser {
    /** The section fleet reads requirements from. */
    public static final String SECTION = "X-Fleet";

    private static final String MACHINE_ID = "MachineID";
    private static final String MACHINE_OF = "MachineOf";
    private static final String MACHINE_METADATA = "MachineMetadata";
    private static final String CONFLICTS = "Conflicts";
    private static final String GLOBAL = "Global";
    private static final String REPLACES = "Replaces";

    /** Every key fleet accepts, mapped to the requirement it feeds. */
    private static final Map<String, String> KEYS = Map.ofEntries(
            Map.entry(MACHINE_ID, MACHINE_ID),
            Map.entry("X-ConditionMachineID", MACHINE_ID),
            Map.entry("X-ConditionMachineBootID", MACHINE_ID),
            Map.entry(MACHINE_OF, MACHINE_OF),
            Map.entry("X-ConditionMachineOf", MACHINE_OF),
            Map.entry(MACHINE_METADATA, MACHINE_METADATA),
            Map.entry("X-ConditionMachineMetadata", MACHINE_METADATA),
            Map.entry(CONFLICTS, CONFLICTS),
            Map.entry("X-Conflicts", CONFLICTS),
            Map.entry(GLOBAL, GLOBAL),
            Map.entry(REPLACES, REPLACES));

    private static final Set<String> TRUE_WORDS = Set.of("true", "yes", "1", "on", "t");
    private static final Set<String> FALSE_WORDS = Set.of("false", "no", "0", "off", "f");

    private XFleetParser() {
    }

    /** Parses and validates {@code unit}'s [X-Fleet] section for the unit named {@code unitName}. */
    public static XFleet parse(UnitFile unit, String unitName) throws UnitParseException {
        return parse(unit, UnitName.of(unitName));
    }

    /** Parses and validates {@code unit}'s [X-Fleet] section for the unit named {@code name}. */
    public static XFleet parse(UnitFile unit, UnitName name) throws UnitParseException {
        if (unit == null) throw new UnitParseException("no unit file (null)");
        if (!unit.hasSection(SECTION)) return XFleet.NONE;

        List<String> machineIdFromModern = values(unit, name, MACHINE_ID);
        List<String> machineIdFromLegacy = values(unit, name, "X-ConditionMachineID");
        List<String> machineBootId = values(unit, name, "X-ConditionMachineBootID");
        Optional<String> machineId = first(machineIdFromModern)
                .or(() -> first(machineIdFromLegacy))
                .or(() -> first(machineBootId));
        if (machineId.isPresent() && machineId.get().isEmpty()) {
            throw new UnitParseException("[X-Fleet] MachineID is empty; give a machine ID (full or its 8-character prefix)");
        }

        Set<String> machineOf = new LinkedHashSet<>();
        for (String key : List.of("X-ConditionMachineOf", MACHINE_OF)) {
            for (String v : values(unit, name, key)) {
                if (v.isEmpty()) throw new UnitParseException("[X-Fleet] " + key + " has an empty value; give a unit name");
                machineOf.add(v);
            }
        }

        Set<MetadataRequirement> metadata = new LinkedHashSet<>();
        for (String key : List.of("X-ConditionMachineMetadata", MACHINE_METADATA)) {
            for (String v : values(unit, name, key)) {
                metadataEntry(v).ifPresent(metadata::add);
            }
        }

        Set<String> conflicts = new LinkedHashSet<>();
        for (String key : List.of("X-Conflicts", CONFLICTS)) {
            for (String v : values(unit, name, key)) {
                for (String glob : GoText.fields(v)) {
                    requireGlob(key, glob);
                    conflicts.add(glob);
                }
            }
        }

        boolean global = isGlobal(values(unit, name, GLOBAL));

        Set<String> replaces = new LinkedHashSet<>();
        for (String v : values(unit, name, REPLACES)) {
            if (v.isEmpty()) throw new UnitParseException("[X-Fleet] Replaces has an empty value; give a unit name");
            requireGlob(REPLACES, v);
            replaces.add(v);
        }

        XFleet x = new XFleet(machineId, List.copyOf(machineOf), List.copyOf(metadata), List.copyOf(conflicts),
                global, List.copyOf(replaces), PlacementOptionsParser.parse(name, (n, key) -> values(unit, n, key)));
        validateCombinations(x);
        PlacementOptionsParser.validate(x);
        FailurePolicy.from(unit); // beyond fleet: a bad failure policy is refused at submission, like a bad requirement
        JobOption.from(unit, x); // beyond fleet: one-shot jobs
        return x;
    }

    /**
     * What fleet would warn about without refusing the unit: unknown [X-Fleet] keys (fleet's wording,
     * {@code unrecognized requirement in [X-Fleet] section: "Foo"}), ignored MachineMetadata entries, and
     * MachineID values after the first. Empty when there is nothing to say.
     */
    public static List<String> warnings(UnitFile unit) {
        List<String> out = new ArrayList<>();
        if (unit == null) return out;
        Set<String> unknown = new LinkedHashSet<>();
        int machineIds = 0;
        for (UnitOption o : unit.options()) {
            if (!o.section().equals(SECTION)) continue;
            String kind = KEYS.get(o.name());
            if (kind == null) {
                if (!PlacementOptionsParser.KEYS.contains(o.name()) && !FailurePolicy.KEYS.contains(o.name())
                        && !JobOption.KEYS.contains(o.name())) unknown.add(o.name());
            } else if (kind.equals(MACHINE_ID)) {
                machineIds += splitMultiValue(o.value()).size();
            } else if (kind.equals(MACHINE_METADATA)) {
                for (String v : splitMultiValue(o.value())) {
                    if (metadataEntry(v).isEmpty()) {
                        out.add("ignored " + o.name() + " entry \"" + v
                                + "\" in [X-Fleet] section: expected key=value (or key!=value) with a non-empty key and value");
                    }
                }
            }
        }
        for (String v : unit.values(SECTION, GLOBAL)) {
            for (String word : splitMultiValue(v)) {
                String w = word.toLowerCase(Locale.ROOT);
                if (!TRUE_WORDS.contains(w) && !FALSE_WORDS.contains(w) && !word.contains("%")) {
                    out.add("[X-Fleet] Global=\"" + word + "\" is not one of fleet's true words (true, yes, 1, on, t): "
                            + "the unit is not global");
                }
            }
        }
        for (String key : unknown) {
            out.add("unrecognized requirement in [X-Fleet] section: \"" + key + "\"");
        }
        if (machineIds > 1) {
            out.add("[X-Fleet] section gives " + machineIds + " machine IDs; only the first one is used");
        }
        return out;
    }

    /** The values of {@code key} in [X-Fleet], multi-values split, specifiers expanded for {@code name}. */
    private static List<String> values(UnitFile unit, UnitName name, String key) {
        List<String> out = new ArrayList<>();
        for (String raw : unit.values(SECTION, key)) {
            for (String v : splitMultiValue(raw)) {
                out.add(expandSpecifiers(v, name));
            }
        }
        return out;
    }

    /**
     * fleet's multi-value form: a value that starts and ends with a double quote is a list of quoted values
     * separated by spaces; the quotes are removed. Any other value is a single value.
     */
    static List<String> splitMultiValue(String line) {
        if (line.length() < 1 || !line.startsWith("\"") || !line.endsWith("\"")) return List.of(line);
        List<String> values = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ' ' && !quoted) {
                values.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        values.add(current.toString());
        return values;
    }

    /** Expands %n %N %p %i (and %% to %) in one pass; other %x sequences stay as they are. */
    static String expandSpecifiers(String value, UnitName name) {
        if (value.indexOf('%') < 0) return value;
        StringBuilder sb = new StringBuilder(value.length() + 32);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '%' || i + 1 == value.length()) {
                sb.append(c);
                continue;
            }
            char spec = value.charAt(i + 1);
            switch (spec) {
                case 'n' -> sb.append(name.full());
                case 'N' -> sb.append(name.withoutSuffix());
                case 'p' -> sb.append(name.prefix());
                case 'i' -> sb.append(name.instance());
                case '%' -> sb.append('%');
                default -> {
                    sb.append(c);
                    continue;
                }
            }
            i++;
        }
        return sb.toString();
    }

    /** One MachineMetadata entry, or empty when fleet would ignore it. */
    private static Optional<MetadataRequirement> metadataEntry(String entry) {
        int eq = entry.indexOf('=');
        if (eq < 0 || entry.indexOf('=', eq + 1) >= 0) return Optional.empty();
        String key = entry.substring(0, eq);
        String value = entry.substring(eq + 1);
        boolean negated = key.endsWith("!");
        if (negated) key = key.substring(0, key.length() - 1);
        if (key.isEmpty() || value.isEmpty()) return Optional.empty();
        return Optional.of(new MetadataRequirement(key, value, negated));
    }

    /**
     * THE rule for a global unit, as fleet has it: the last {@code [X-Fleet] Global=} value (after multi-value
     * splitting and specifier expansion) is one of fleet's true words, in any case ({@code true yes 1 on t});
     * any other word means not global. It never fails, so the registry, the API and fleetctl can ask it of any
     * stored unit, valid or not.
     */
    public static boolean isGlobal(UnitFile unit, String unitName) {
        UnitName name;
        try {
            name = UnitName.of(unitName);
        } catch (InvalidUnitNameException e) {
            return isGlobal(unit.values(SECTION, GLOBAL));
        }
        return isGlobal(values(unit, name, GLOBAL));
    }

    private static boolean isGlobal(List<String> values) {
        return !values.isEmpty() && isTrueWord(values.get(values.size() - 1));
    }

    /** fleet's true words for a boolean unit option, in any case. */
    public static boolean isTrueWord(String value) {
        return TRUE_WORDS.contains(value.toLowerCase(Locale.ROOT));
    }

    private static void requireGlob(String key, String pattern) throws UnitParseException {
        try {
            UnitGlob.compile(pattern);
        } catch (UnitParseException e) {
            throw new UnitParseException("[X-Fleet] " + key + ": " + e.getMessage());
        }
    }

    private static Optional<String> first(List<String> values) {
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    private static void validateCombinations(XFleet x) throws UnitParseException {
        if (x.machineId().isPresent()) {
            if (!x.machineOf().isEmpty()) throw combination(MACHINE_ID, MACHINE_OF);
            if (!x.conflicts().isEmpty()) throw combination(MACHINE_ID, CONFLICTS);
            if (x.global()) throw combination(MACHINE_ID, GLOBAL);
            if (!x.replaces().isEmpty()) throw combination(MACHINE_ID, REPLACES);
        }
        if (x.global()) {
            if (!x.machineOf().isEmpty()) throw combination(GLOBAL, MACHINE_OF);
            if (!x.replaces().isEmpty()) throw combination(GLOBAL, REPLACES);
        }
        for (String peer : x.machineOf()) {
            for (String glob : x.conflicts()) {
                if (UnitGlob.matches(glob, peer)) throw unresolvable(peer, CONFLICTS, glob);
            }
            for (String glob : x.replaces()) {
                if (UnitGlob.matches(glob, peer)) throw unresolvable(peer, REPLACES, glob);
            }
        }
    }

    private static UnitParseException combination(String a, String b) {
        return new UnitParseException("invalid [X-Fleet] requirements: " + a + " cannot be combined with " + b);
    }

    private static UnitParseException unresolvable(String peer, String key, String glob) {
        String why = key.equals(CONFLICTS) ? "conflict with" : "replace";
        return new UnitParseException("unresolvable requirements in [X-Fleet] section: MachineOf=" + peer
                + " is matched by " + key + "=" + glob + "; a unit cannot both need to share a machine with "
                + "a unit and " + why + " it");
    }
}

package org.fleetj.registry.etcd;

/**
 * The key layout of docs/design.md under one prefix, as text: the sections and how names are read back out of a
 * key. Free of any etcd client's types, so that fleetctl's light reader of etcd's JSON gateway and the jetcd
 * registry ({@link EtcdKeys} builds its byte keys from these) share one copy of the rules.
 */
public final class EtcdKeyLayout {
    public static final String UNIT = "unit/";
    public static final String JOB = "job/";
    public static final String GLOBAL = "global/";
    public static final String SCHEDULE = "schedule/";
    public static final String MACHINE = "machine/";
    public static final String MACHINE_META = "machine-meta/";
    public static final String STATE = "state/";
    /** {@code machine-control/<id>}: cordon/drain state, persistent (beyond fleet). */
    public static final String MACHINE_CONTROL = "machine-control/";
    /** {@code wait-reason/<unit>}: why the engine could not place a unit, persistent (beyond fleet). */
    public static final String WAIT_REASON = "wait-reason/";
    public static final String LEADER = "engine/leader";
    public static final String FAILURES = "failures/";
    /** {@code rollout-spec/<unit>}: a rollout as the user asked it (beyond fleet). */
    public static final String ROLLOUT_SPEC = "rollout-spec/";
    /** {@code rollout-status/<unit>}: the engine's progress of it, fenced (beyond fleet). */
    public static final String ROLLOUT_STATUS = "rollout-status/";
    /** {@code job-result/<unit>}: how a one-shot job ended, written by its agent, persistent (beyond fleet). */
    public static final String JOB_RESULT = "job-result/";

    /** A key with two names under its section ({@code schedule/<machine>/<unit>}, {@code state/<unit>/<machine>}). */
    public record Pair(String first, String second) {
    }

    private final String prefix;

    /** @param prefix the normalised key prefix ({@link EtcdConfig#keyPrefix()}: leading and trailing slash) */
    public EtcdKeyLayout(String prefix) {
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    /** The full key of a key relative to the prefix (e.g. {@code job/a.service}). */
    public String of(String relative) {
        return prefix + relative;
    }

    /** The key relative to the prefix (e.g. {@code job/a.service}). */
    public String relative(String key) {
        return key.startsWith(prefix) ? key.substring(prefix.length()) : key;
    }

    /** The rest of the key after {@code section}: {@code job/a.service} → {@code a.service}. */
    public String nameAfter(String section, String key) {
        return relative(key).substring(section.length());
    }

    /** {@code schedule/<machine>/<unit>} → (machine, unit); null for a key of another shape. */
    public Pair schedule(String key) {
        String rel = relative(key);
        if (!rel.startsWith(SCHEDULE)) {
            return null;
        }
        String rest = rel.substring(SCHEDULE.length());
        return split(rest, rest.indexOf('/'));
    }

    /** {@code state/<unit>/<machine>} → (unit, machine); null for a key of another shape. */
    public Pair state(String key) {
        String rest = nameAfter(STATE, key);
        return split(rest, rest.lastIndexOf('/'));
    }

    /** Both names around the slash at {@code slash}; null when either would be empty. */
    private static Pair split(String rest, int slash) {
        if (slash <= 0 || slash == rest.length() - 1) {
            return null;
        }
        return new Pair(rest.substring(0, slash), rest.substring(slash + 1));
    }

    /** {@code machine-meta/<id>/<key>} → (id, key); null for a key of another shape. */
    public Pair machineMeta(String key) {
        String rest = nameAfter(MACHINE_META, key);
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            return null;
        }
        return new Pair(rest.substring(0, slash), rest.substring(slash + 1));
    }
}

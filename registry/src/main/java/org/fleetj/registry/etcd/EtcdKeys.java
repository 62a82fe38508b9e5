package org.fleetj.registry.etcd;

import java.nio.charset.StandardCharsets;
import io.etcd.jetcd.ByteSequence;

/** The key layout of docs/design.md under one prefix: building keys and reading names back out of them. */
final class EtcdKeys {
    static final String UNIT = "unit/";
    static final String JOB = "job/";
    static final String GLOBAL = "global/";
    static final String SCHEDULE = "schedule/";
    static final String MACHINE = "machine/";
    static final String MACHINE_META = "machine-meta/";
    static final String STATE = "state/";
    /** {@code machine-control/<id>}: cordon/drain state, persistent (beyond fleet). */
    static final String MACHINE_CONTROL = "machine-control/";
    /** {@code wait-reason/<unit>}: why the engine could not place a unit, persistent (beyond fleet). */
    static final String WAIT_REASON = "wait-reason/";
    static final String LEADER = "engine/leader";
    static final String FAILURES = "failures/";
    /** {@code rollout-spec/<unit>}: a rollout as the user asked it (beyond fleet). */
    static final String ROLLOUT_SPEC = "rollout-spec/";
    /** {@code rollout-status/<unit>}: the engine's progress of it, fenced (beyond fleet). */
    static final String ROLLOUT_STATUS = "rollout-status/";

    /** {@code job-result/<unit>}: how a one-shot job ended, written by its agent, persistent (beyond fleet). */
    static final String JOB_RESULT = "job-result/";

    private final String prefix;

    EtcdKeys(String prefix) {
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    ByteSequence root() {
        return bytes(prefix);
    }

    ByteSequence of(String relative) {
        return bytes(prefix + relative);
    }

    ByteSequence unit(String hash) {
        return of(UNIT + hash);
    }

    ByteSequence job(String name) {
        return of(JOB + name);
    }

    ByteSequence global(String name) {
        return of(GLOBAL + name);
    }

    ByteSequence schedule(String machineId, String name) {
        return of(SCHEDULE + machineId + "/" + name);
    }

    ByteSequence scheduleOf(String machineId) {
        return of(SCHEDULE + machineId + "/");
    }

    ByteSequence machine(String machineId) {
        return of(MACHINE + machineId);
    }

    ByteSequence machineMeta(String machineId, String key) {
        return of(MACHINE_META + machineId + "/" + key);
    }

    ByteSequence machineControl(String machineId) {
        return of(MACHINE_CONTROL + machineId);
    }

    ByteSequence waitReason(String unit) {
        return of(WAIT_REASON + unit);
    }

    ByteSequence state(String name, String machineId) {
        return of(STATE + name + "/" + machineId);
    }

    ByteSequence failures(String unit) {
        return of(FAILURES + unit);
    }

    ByteSequence rolloutSpec(String unit) {
        return of(ROLLOUT_SPEC + unit);
    }

    ByteSequence rolloutStatus(String unit) {
        return of(ROLLOUT_STATUS + unit);
    }

    ByteSequence jobResult(String unit) {
        return of(JOB_RESULT + unit);
    }

    ByteSequence leader() {
        return of(LEADER);
    }

    /** The key relative to the prefix (e.g. {@code job/a.service}). */
    String relative(ByteSequence key) {
        String k = key.toString(StandardCharsets.UTF_8);
        return k.startsWith(prefix) ? k.substring(prefix.length()) : k;
    }

    /** The last path segment after {@code section}: {@code job/a.service} → {@code a.service}. */
    String nameAfter(String section, ByteSequence key) {
        return relative(key).substring(section.length());
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    static String text(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }
}

package org.fleetj.registry.etcd;

import java.nio.charset.StandardCharsets;
import io.etcd.jetcd.ByteSequence;

/** The key layout of docs/design.md ({@link EtcdKeyLayout}) as jetcd's byte keys: building keys and reading names back out of them. */
final class EtcdKeys {
    static final String UNIT = EtcdKeyLayout.UNIT;
    static final String JOB = EtcdKeyLayout.JOB;
    static final String GLOBAL = EtcdKeyLayout.GLOBAL;
    static final String SCHEDULE = EtcdKeyLayout.SCHEDULE;
    static final String MACHINE = EtcdKeyLayout.MACHINE;
    static final String MACHINE_META = EtcdKeyLayout.MACHINE_META;
    static final String STATE = EtcdKeyLayout.STATE;
    static final String MACHINE_CONTROL = EtcdKeyLayout.MACHINE_CONTROL;
    static final String WAIT_REASON = EtcdKeyLayout.WAIT_REASON;
    static final String LEADER = EtcdKeyLayout.LEADER;
    static final String FAILURES = EtcdKeyLayout.FAILURES;
    static final String ROLLOUT_SPEC = EtcdKeyLayout.ROLLOUT_SPEC;
    static final String ROLLOUT_STATUS = EtcdKeyLayout.ROLLOUT_STATUS;
    static final String JOB_RESULT = EtcdKeyLayout.JOB_RESULT;

    private final EtcdKeyLayout layout;

    EtcdKeys(String prefix) {
        this.layout = new EtcdKeyLayout(prefix);
    }

    String prefix() {
        return layout.prefix();
    }

    /** The same layout as text, for decoding ({@link EtcdListing}). */
    EtcdKeyLayout layout() {
        return layout;
    }

    ByteSequence root() {
        return bytes(layout.prefix());
    }

    ByteSequence of(String relative) {
        return bytes(layout.of(relative));
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
        return layout.relative(text(key));
    }

    /** The last path segment after {@code section}: {@code job/a.service} → {@code a.service}. */
    String nameAfter(String section, ByteSequence key) {
        return layout.nameAfter(section, text(key));
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    static String text(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }
}

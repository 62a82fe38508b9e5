package org.fleetj.registry;

import java.util.Objects;

/**
 * A record of the store that a list skipped because it cannot be read (see {@link UnreadableRecordException}):
 * which key, the unit (or machine) it is about, and what is wrong. Lists report these beside what they return, so
 * that the unit can be shown as broken where users look, and so that the engine and agents leave what it names
 * as it is: a record that cannot be read says nothing, least of all "stop this unit".
 *
 * @param key    the store key
 * @param name    the unit name (job, unit file, schedule entry, unit state) or machine id the key is about
 * @param machine the machine of a schedule entry or unit state; empty for other records
 * @param reason  what is wrong with it, naming the key
 */
public record UnreadableRecord(String key, String name, String machine, String reason) {
    public UnreadableRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(reason, "reason");
    }
}

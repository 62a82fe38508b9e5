package org.fleetj.api;

/**
 * Beyond fleet: a record of the registry that cannot be read (not valid JSON, a required field missing; written by an
 * older version, another tool or a partial restore), so the unit or machine it is about is shown as broken instead of
 * silently missing. Carried by the first page of {@code GET /units}, {@code /state} and {@code /machines} in an
 * additional {@code unreadable} field, present only when there is such a record: fleet's own clients ignore it, and
 * the pages are fleet's byte for byte otherwise.
 *
 * @param name   the unit (or machine id) the record is about
 * @param key    the etcd key holding it
 * @param reason what is wrong with it, naming the key
 */
public record ApiUnreadableRecord(String name, String key, String reason) {
}

package org.fleetj.registry;

/**
 * Proof of engine leadership, used to fence writes: the registry checks that the leader key still
 * carries this token in the same transaction as the write.
 *
 * @param machineId the leader's machine id
 * @param token     opaque fencing token (for etcd: the leader key's create revision)
 */
public record Leadership(String machineId, long token) {
}

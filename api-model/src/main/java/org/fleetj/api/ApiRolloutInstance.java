package org.fleetj.api;

/**
 * Beyond fleet: one instance of an {@link ApiRollout}.
 *
 * @param name        the job ({@code web@3.service}; for a global unit, the unit itself)
 * @param machine     the machine it runs on (for a global unit: the machine this copy is for)
 * @param oldHash     its file before the rollout
 * @param step        waiting, replacing, done, failed or reverted
 * @param since       when it entered that step (RFC 3339)
 * @param activeSince since when its new version has been active without a gap (empty: not yet)
 * @param note        why it is where it is (empty when nothing to say)
 */
public record ApiRolloutInstance(String name, String machine, String oldHash, String step, String since, String activeSince, String note) {
    public ApiRolloutInstance {
        machine = machine == null ? "" : machine;
        activeSince = activeSince == null ? "" : activeSince;
        note = note == null ? "" : note;
    }
}

package org.fleetj.registry;

/** A rollout was started for a unit whose previous rollout has not finished (pause or abort it first). */
public final class RolloutInProgressException extends RegistryException {
    private static final long serialVersionUID = 1L;

    public RolloutInProgressException(String message) {
        super(message);
    }
}

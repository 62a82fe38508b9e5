package org.fleetj.fleetd.systemd;

import java.util.Objects;

/**
 * What systemd says about one unit: its load state ({@code loaded}, {@code not-found}, {@code error},
 * {@code masked}…), active state ({@code active}, {@code activating}, {@code failed}, {@code inactive}…)
 * and sub state ({@code running}, {@code dead}, {@code start-pre}…), exactly as systemd spells them.
 */
public record SystemdUnitStatus(String name, String loadState, String activeState, String subState) {

    public static final String LOAD_NOT_FOUND = "not-found";

    public SystemdUnitStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(loadState, "loadState");
        Objects.requireNonNull(activeState, "activeState");
        Objects.requireNonNull(subState, "subState");
    }

    /** The status systemd reports for a unit it has no file for. */
    public static SystemdUnitStatus notFound(String name) {
        return new SystemdUnitStatus(name, LOAD_NOT_FOUND, "inactive", "dead");
    }

    public boolean isNotFound() {
        return LOAD_NOT_FOUND.equals(loadState);
    }

    /** Same states, ignoring nothing: used to emit only real transitions. */
    public boolean sameStateAs(SystemdUnitStatus other) {
        return other != null && loadState.equals(other.loadState) && activeState.equals(other.activeState)
                && subState.equals(other.subState);
    }

    @Override
    public String toString() {
        return name + " " + loadState + "/" + activeState + "/" + subState;
    }
}

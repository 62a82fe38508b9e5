package org.fleetj.fleetctl.client;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.fleetj.api.ApiUnreadableRecord;
import org.fleetj.api.ApiMachine;
import org.fleetj.api.ApiUnit;
import org.fleetj.api.ApiUnitState;

/**
 * What fleetctl needs from the cluster, behind one seam with two drivers: the HTTP API of fleetd
 * (unix socket or TCP; the default, and lean: no jetcd/gRPC on its class path at run time) and etcd
 * directly through the registry ({@code --driver=etcd}). Failures are {@link FleetClientException}s
 * whose message is fit to print after "Error: ".
 */
public interface FleetClient extends AutoCloseable {

    /** Live machines, sorted by id. */
    List<ApiMachine> machines();

    /** {@link #machines()}, and each machine record that cannot be read handed to {@code unreadable} (beyond fleet). */
    default List<ApiMachine> machines(Consumer<ApiUnreadableRecord> unreadable) {
        return machines();
    }

    /** All units (with options, desired and current state, target machine), sorted by name. */
    List<ApiUnit> units();

    /**
     * {@link #units()}, and each unit whose record cannot be read handed to {@code unreadable} (beyond fleet: a server
     * that does not report them, fleet itself, hands none).
     */
    default List<ApiUnit> units(Consumer<ApiUnreadableRecord> unreadable) {
        return units();
    }

    Optional<ApiUnit> unit(String name);

    /** Every unit state reported by the machines, sorted by unit name then machine id. */
    List<ApiUnitState> unitStates();

    /** {@link #unitStates()}, and each unit state that cannot be read handed to {@code unreadable} (beyond fleet). */
    default List<ApiUnitState> unitStates(Consumer<ApiUnreadableRecord> unreadable) {
        return unitStates();
    }

    /** Beyond fleet: the failure record of a unit with a failure policy; empty when it has none. */
    Optional<org.fleetj.api.ApiUnitFailures> unitFailures(String name);

    /** Beyond fleet: how every finished one-shot job ({@code [X-Fleet] Job=true}) ended, by unit name. */
    java.util.Map<String, org.fleetj.api.ApiJobResult> jobResults();

    /** Beyond fleet: how one job ended; empty when it has not finished. */
    Optional<org.fleetj.api.ApiJobResult> jobResult(String name);

    /** Creates a unit ({@code options} and {@code desiredState} required); fails if it exists with other options. */
    void createUnit(ApiUnit unit);

    /**
     * Replaces the options of an existing unit ({@code fleetctl --replace}), setting {@code desiredState}
     * when given. The API driver sends the same PUT as a create (fleetd replaces when options differ).
     */
    void replaceUnit(ApiUnit unit);

    /** Sets the desired state (inactive, loaded, launched) of an existing unit. */
    void setUnitTargetState(String name, String desiredState);

    /** Removes the unit; false when it did not exist. */
    boolean destroyUnit(String name);

    /** Beyond fleet: machines' capacity and availability, and why units wait (fleet's own API has none of it). */
    PlacementView placement();

    /** Beyond fleet: cordons, drains or uncordons a machine ({@code schedulable}, {@code cordoned}, {@code draining}, {@code draining-all}). */
    void setMachineAvailability(String machineId, String availability);

    // ---- rollouts (beyond fleet) ----

    /** Every rollout, finished ones included, sorted by unit. */
    List<org.fleetj.api.ApiRollout> rollouts();

    /** The unit's rollout (the latest one), if it has one. */
    Optional<org.fleetj.api.ApiRollout> rollout(String unit);

    /** Starts a rolling update of a template's instances or a global unit; fails while its previous one is not finished. */
    org.fleetj.api.ApiRollout startRollout(String unit, org.fleetj.api.ApiRolloutRequest request);

    /** Pauses, resumes or aborts ({@code pause}, {@code resume}, {@code abort}) the unit's rollout; false when it has none. */
    boolean steerRollout(String unit, String control);

    /** Journal and status through the API, when this driver has an API endpoint; empty: use SSH. */
    default java.util.Optional<UnitLogSource> unitLogs() {
        return java.util.Optional.empty();
    }

    @Override
    void close();
}

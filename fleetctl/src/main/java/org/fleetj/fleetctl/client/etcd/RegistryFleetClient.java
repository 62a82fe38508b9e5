package org.fleetj.fleetctl.client.etcd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.fleetj.api.ApiUnreadableRecord;
import java.util.Optional;
import org.fleetj.api.ApiMachine;
import org.fleetj.api.ApiUnit;
import org.fleetj.api.ApiUnits;
import org.fleetj.api.ApiUnitState;
import org.fleetj.fleetctl.client.FleetClient;
import org.fleetj.fleetctl.client.FleetClientException;
import org.fleetj.fleetctl.client.PlacementView;
import org.fleetj.fleetctl.client.UnitOptions;
import org.fleetj.registry.Job;
import org.fleetj.registry.MachineAvailability;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.NoSuchUnitException;
import org.fleetj.registry.Registry;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.UnitExistsException;
import org.fleetj.registry.UnitState;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;

/**
 * The etcd driver ({@code --driver=etcd}): fleetctl's operations straight on the {@link Registry},
 * computing what fleetd's API would answer. Current state, as docs/design.md defines it: inactive
 * without a target machine or without a state from it; launched when the target's agent reports it
 * applied launched; loaded otherwise. Global units have neither current state nor machine.
 */
public final class RegistryFleetClient implements FleetClient {
    private final Registry registry;

    public RegistryFleetClient(Registry registry) {
        this.registry = registry;
    }

    @Override
    public List<ApiMachine> machines() {
        return machines(r -> { });
    }

    @Override
    public List<ApiMachine> machines(Consumer<ApiUnreadableRecord> unreadable) {
        return call(() -> {
            return machines(registry.machines(r -> unreadable.accept(api(r))));
        });
    }

    @Override
    public List<ApiUnit> units() {
        return units(r -> { });
    }

    @Override
    public List<ApiUnit> units(Consumer<ApiUnreadableRecord> unreadable) {
        return call(() -> {
            List<UnitState> states = registry.unitStates();
            return units(registry.jobs(r -> unreadable.accept(api(r))), states);
        });
    }

    @Override
    public Optional<ApiUnit> unit(String name) {
        return call(() -> {
            Optional<Job> job = registry.job(name);
            if (job.isEmpty()) return Optional.empty();
            return Optional.of(toApi(job.get(), statesByUnit(registry.unitStates()), false));
        });
    }

    @Override
    public Optional<org.fleetj.api.ApiUnitFailures> unitFailures(String name) {
        return call(() -> Optional.ofNullable(registry.unitFailures().get(name)).map(org.fleetj.registry.UnitFailures::toApi));
    }

    @Override
    public java.util.Map<String, org.fleetj.api.ApiJobResult> jobResults() {
        return call(() -> {
            java.util.Map<String, org.fleetj.api.ApiJobResult> out = new java.util.TreeMap<>();
            registry.jobResults().forEach((name, r) -> out.put(name, r.toApi()));
            return out;
        });
    }

    @Override
    public Optional<org.fleetj.api.ApiJobResult> jobResult(String name) {
        return call(() -> registry.jobResult(name).map(org.fleetj.registry.JobResult::toApi));
    }

    @Override
    public List<ApiUnitState> unitStates() {
        return unitStates(r -> { });
    }

    @Override
    public List<ApiUnitState> unitStates(Consumer<ApiUnreadableRecord> unreadable) {
        return call(() -> {
            return unitStates(registry.unitStates(r -> unreadable.accept(api(r))));
        });
    }

    @Override
    public void createUnit(ApiUnit unit) {
        UnitFile file = UnitOptions.toUnitFile(unit.options());
        TargetState desired = desired(unit);
        call(() -> {
            try {
                registry.createJob(unit.name(), file, desired);
            } catch (UnitExistsException e) {
                Job existing = registry.job(unit.name()).orElseThrow(() -> new FleetClientException(
                        "unit " + unit.name() + " was created and removed concurrently; try again"));
                if (!existing.unitHash().equals(file.hash().hex())) {
                    throw new FleetClientException("unit " + unit.name() + " already exists with different options");
                }
                registry.setDesiredState(unit.name(), desired);
            }
            return null;
        });
    }

    @Override
    public void replaceUnit(ApiUnit unit) {
        UnitFile file = UnitOptions.toUnitFile(unit.options());
        call(() -> {
            TargetState desired = unit.desiredState() != null ? desired(unit)
                    : registry.job(unit.name()).map(Job::desiredState).orElse(TargetState.INACTIVE);
            try {
                registry.replaceJob(unit.name(), file, desired);
            } catch (NoSuchUnitException e) {
                throw new FleetClientException("unit " + unit.name() + " does not exist", e);
            }
            return null;
        });
    }

    @Override
    public void setUnitTargetState(String name, String desiredState) {
        TargetState desired = parse(desiredState);
        call(() -> {
            if (!registry.setDesiredState(name, desired)) throw new FleetClientException("unit " + name + " does not exist");
            return null;
        });
    }

    @Override
    public boolean destroyUnit(String name) {
        return call(() -> registry.destroyJob(name));
    }

    /**
     * Closes the registry on a daemon thread: shutting jetcd's gRPC channel and Vert.x down takes ~0.2-0.3 s,
     * which a fleetctl about to exit need not wait for (the process ends the connection anyway); an in-process
     * caller still gets everything released moments later. Nothing is written at close (no lease, no latch).
     */
    @Override
    public PlacementView placement() {
        return call(() -> {
            Map<String, PlacementView.Machine> machines = new HashMap<>();
            for (MachineState m : registry.machines()) {
                machines.put(m.id(), new PlacementView.Machine(m.capacity().cpuMillis(), m.capacity().memoryBytes(),
                        m.availability().wireName()));
            }
            return new PlacementView(machines, registry.waitReasons());
        });
    }

    @Override
    public void setMachineAvailability(String machineId, String availability) {
        MachineAvailability a = java.util.Arrays.stream(MachineAvailability.values())
                .filter(v -> v.wireName().equals(availability)).findFirst()
                .orElseThrow(() -> new FleetClientException("unknown machine availability " + availability));
        call(() -> {
            registry.setMachineAvailability(machineId, a);
            return null;
        });
    }

    @Override
    public List<org.fleetj.api.ApiRollout> rollouts() {
        return call(() -> registry.rollouts().values().stream().map(org.fleetj.registry.Rollout::toApi).toList());
    }

    @Override
    public Optional<org.fleetj.api.ApiRollout> rollout(String unit) {
        return call(() -> Optional.ofNullable(registry.rollouts().get(unit)).map(org.fleetj.registry.Rollout::toApi));
    }

    @Override
    public org.fleetj.api.ApiRollout startRollout(String unit, org.fleetj.api.ApiRolloutRequest request) {
        UnitFile file = UnitOptions.toUnitFile(request.options());
        return call(() -> {
            try {
                org.fleetj.registry.RolloutSpec spec = org.fleetj.registry.RolloutRequests.start(registry, unit, file, request,
                        java.time.Clock.systemUTC());
                return new org.fleetj.registry.Rollout(spec, Optional.empty()).toApi();
            } catch (IllegalArgumentException | org.fleetj.registry.RolloutInProgressException e) {
                throw new FleetClientException(e.getMessage(), e);
            }
        });
    }

    @Override
    public boolean steerRollout(String unit, String control) {
        return call(() -> {
            try {
                return org.fleetj.registry.RolloutRequests.steer(registry, unit, org.fleetj.registry.RolloutRequests.control(control));
            } catch (IllegalArgumentException e) {
                throw new FleetClientException(e.getMessage(), e);
            }
        });
    }

    @Override
    public void close() {
        Thread closer = new Thread(registry::close, "etcd-driver-close");
        closer.setDaemon(true);
        closer.start();
    }

    // What the lists show of the registry's records, as fleetd's API answers them: one copy, also used by the
    // light reader of etcd's JSON gateway (EtcdListClient).

    /** Machines as {@code GET /machines} lists them. */
    static List<ApiMachine> machines(List<MachineState> machines) {
        List<ApiMachine> out = new ArrayList<>();
        for (MachineState m : machines) out.add(new ApiMachine(m.id(), m.publicIp(), m.metadata()));
        return out;
    }

    /** Units as {@code GET /units} lists them, their current state from the machines' {@code states}. */
    static List<ApiUnit> units(List<Job> jobs, List<UnitState> states) {
        Map<String, Map<String, UnitState>> byUnit = statesByUnit(states);
        List<ApiUnit> out = new ArrayList<>();
        for (Job job : jobs) out.add(toApi(job, byUnit, true));
        return out;
    }

    /** Unit states as {@code GET /state} lists them. */
    static List<ApiUnitState> unitStates(List<UnitState> states) {
        List<ApiUnitState> out = new ArrayList<>();
        for (UnitState s : states) {
            out.add(new ApiUnitState(s.name(), s.unitHash(), s.machineId(), s.loadState(), s.activeState(), s.subState()));
        }
        return out;
    }

    private static Map<String, Map<String, UnitState>> statesByUnit(List<UnitState> states) {
        Map<String, Map<String, UnitState>> byUnit = new HashMap<>();
        for (UnitState s : states) {
            byUnit.computeIfAbsent(s.name(), k -> new HashMap<>()).put(s.machineId(), s);
        }
        return byUnit;
    }

    /** As fleetd's API answers: {@code listed} as in {@code GET /units}, else as in {@code GET /units/<name>}. */
    private static ApiUnit toApi(Job job, Map<String, Map<String, UnitState>> states, boolean listed) {
        List<org.fleetj.api.ApiUnitOption> options = ApiUnits.toOptions(job.unit());
        boolean global = ApiUnits.isGlobal(job.name(), options);
        Optional<String> machine = global ? Optional.empty() : job.targetMachine();
        Optional<TargetState> applied = machine.map(m -> states.getOrDefault(job.name(), Map.of()).get(m)).map(UnitState::applied);
        String current = listed ? ApiUnits.listedCurrentState(global, machine, applied) : ApiUnits.currentState(global, machine, applied);
        return new ApiUnit(job.name(), options, job.desiredState().wireName(), current,
                machine.orElse(null));
    }

    private static TargetState desired(ApiUnit unit) {
        return unit.desiredState() == null ? TargetState.INACTIVE : parse(unit.desiredState());
    }

    private static TargetState parse(String desiredState) {
        try {
            return TargetState.fromWire(desiredState);
        } catch (IllegalArgumentException e) {
            throw new FleetClientException(e.getMessage(), e);
        }
    }

    private interface RegistryCall<T> {
        T run();
    }

    /** Registry failures become client failures whose message is fit for the user. */
    private static <T> T call(RegistryCall<T> call) {
        try {
            return call.run();
        } catch (RegistryException e) {
            throw new FleetClientException(e.getMessage(), e);
        }
    }

    static ApiUnreadableRecord api(org.fleetj.registry.UnreadableRecord r) {
        return new ApiUnreadableRecord(r.name(), r.key(), r.reason());
    }
}

package org.fleetj.fleetd.agent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fleetj.fleetd.systemd.SystemdUnitStatus;
import org.fleetj.registry.MachinePresence;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.Registry;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.UnitState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the real state of each unit this agent runs (what systemd says, plus what the agent applied) under
 * the machine's presence lease, writing only what changed. Confined to the agent's thread.
 */
final class UnitStatePublisher {
    private static final Logger log = LoggerFactory.getLogger(UnitStatePublisher.class);

    private final Registry registry;
    private final MachinePresence presence;
    private final MachineState self;
    private final AgentStats stats;
    private final Map<String, SystemdUnitStatus> statuses = new HashMap<>();
    private final Map<String, UnitState> published = new HashMap<>();

    UnitStatePublisher(Registry registry, MachinePresence presence, MachineState self, AgentStats stats) {
        this.registry = registry;
        this.presence = presence;
        this.self = self;
        this.stats = stats;
    }

    /** systemd's latest word on a unit. */
    void systemdSays(SystemdUnitStatus s) {
        statuses.put(s.name(), s);
    }

    SystemdUnitStatus lastKnown(String name) {
        return statuses.get(name);
    }

    /**
     * Publishes the state of each unit that changed, in one registry call (few etcd transactions for hundreds of
     * units); false when the registry could not be written (retry later).
     */
    boolean publishAll(Collection<LocalUnit> units) {
        List<UnitState> changed = new ArrayList<>();
        for (LocalUnit l : units) {
            SystemdUnitStatus s = statuses.get(l.name());
            if (s == null) continue;
            UnitState state = new UnitState(l.name(), self.id(), l.hash(), s.loadState(), s.activeState(), s.subState(), l.applied());
            if (!state.equals(published.get(l.name()))) changed.add(state);
        }
        if (changed.isEmpty()) return true;
        try {
            registry.publishUnitStates(presence, changed);
        } catch (RegistryException e) {
            log.debug("agent: could not publish the state of {} units (will retry): {}", changed.size(), e.getMessage());
            return false;
        }
        for (UnitState state : changed) {
            published.put(state.name(), state);
            stats.statePublished();
        }
        return true;
    }

    /**
     * A unit started again after it failed (the engine's failure policy restarts it in place) is still "failed"
     * in our last status until systemd reports the new run; publishing that next to applied=launched would look
     * like a new failure. Its state is published again on systemd's next report (or the safety pass).
     */
    void forgetStaleFailure(String name) {
        SystemdUnitStatus s = statuses.get(name);
        if (s != null && "failed".equals(s.activeState())) statuses.remove(name);
    }

    /** The unit left this machine: its state goes from the registry too. */
    void remove(String name) {
        statuses.remove(name);
        published.remove(name);
        try {
            registry.removeUnitState(presence, name);
        } catch (RegistryException e) {
            // Harmless: the state dies with our lease, and the engine ignores states off the target.
            log.debug("agent: could not remove state of {}: {}", name, e.getMessage());
        }
    }

    /** The lease was lost and renewed: every state it carried is gone and is published again. */
    void republishAll() {
        published.clear();
    }
}

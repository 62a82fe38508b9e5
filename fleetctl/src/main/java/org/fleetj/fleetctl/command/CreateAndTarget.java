package org.fleetj.fleetctl.command;

import java.util.ArrayList;
import java.util.List;
import org.fleetj.api.ApiUnit;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.UnitOptions;

/**
 * The steps {@code load} and {@code start} share: submit what is missing (or replace it with {@code --replace}),
 * set the desired state, announce global units ("Triggered global unit X start"). What is left is waiting for the
 * units that go to one machine, which each command does its own way.
 */
final class CreateAndTarget {
    private CreateAndTarget() {
    }

    /**
     * @param command  {@code load} or {@code start}: the verb in messages and the --replace rules
     * @param state    the desired state to set ({@code loaded} or {@code launched})
     * @param failing  how a failure to set the state begins ("Error starting units")
     * @return the non-global units to wait for, including replaced ones
     */
    static List<String> apply(Session session, List<String> units, CreateOptions create, BlockOptions block,
                              String command, String state, String failing) {
        Templates.refuseActivating(units, command);
        List<String> replaced = new UnitCreator(session, command).createMissing(units, create.replace(), block.attempts());
        List<ApiUnit> triggered;
        try {
            triggered = TargetStates.set(session, units, state);
        } catch (CommandFailedException e) {
            throw new CommandFailedException(failing + ": " + e.getMessage(), e);
        }
        List<String> waiting = new ArrayList<>();
        for (ApiUnit u : triggered) {
            if (UnitOptions.isGlobal(u)) session.out().println("Triggered global unit " + u.name() + " " + command);
            else waiting.add(u.name());
        }
        for (String name : replaced) if (!waiting.contains(name)) waiting.add(name);
        return waiting;
    }
}

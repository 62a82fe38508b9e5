package org.fleetj.fleetctl.command;

import java.util.Optional;
import org.fleetj.api.ApiUnit;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.FleetClientException;
import org.fleetj.fleetctl.client.UnitOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "cat", description = "Output the contents of a submitted unit, re-serialized from its options.")
public final class CatCommand extends FleetCommand {
    @Mixin
    OneUnitArgument argument;

    @Override
    protected int run(Session session) {
        Optional<String> given = argument.name(session);
        if (given.isEmpty()) return 1;
        String name = given.get();
        Optional<ApiUnit> unit;
        try {
            unit = session.client().unit(name);
        } catch (FleetClientException e) {
            session.err().println("Error retrieving Unit " + name + ": " + e.getMessage());
            return 1;
        }
        if (unit.isEmpty()) {
            session.err().println("Unit " + name + " not found");
            return 1;
        }
        session.out().print(UnitOptions.toUnitFile(unit.get().options()).serialize());
        return 0;
    }
}

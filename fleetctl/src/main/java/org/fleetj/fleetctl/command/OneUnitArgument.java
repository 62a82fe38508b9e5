package org.fleetj.fleetctl.command;

import java.util.List;
import java.util.Optional;
import org.fleetj.fleetctl.Session;
import picocli.CommandLine.Parameters;

/** The UNIT argument of cat and journal, which act on exactly one unit, and fleet's refusal of none or several. */
final class OneUnitArgument {
    @Parameters(paramLabel = "UNIT", arity = "0..*")
    List<String> units = List.of();

    /**
     * The unit's name as fleet mangles it; empty, after printing fleet's "One unit file must be provided", when not
     * exactly one unit is given.
     */
    Optional<String> name(Session session) {
        if (units.size() != 1) {
            session.err().println("One unit file must be provided");
            return Optional.empty();
        }
        return Optional.of(UnitLookup.name(units.get(0)));
    }
}

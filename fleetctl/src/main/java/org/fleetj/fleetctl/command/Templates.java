package org.fleetj.fleetctl.command;

import java.util.List;
import org.fleetj.unit.InvalidUnitNameException;
import org.fleetj.unit.UnitName;

/**
 * Templates ({@code foo@.service}) are stored but never scheduled, and fleet's API refuses to load or launch one
 * (400 "cannot activate template"): load and start refuse it up front, with or without {@code --no-block} and with
 * either driver, before anything changes, and name an instance to use instead.
 */
final class Templates {
    private Templates() {
    }

    /**
     * @param verb what the command does, as in {@code Unable to <verb> unit foo@.service}
     * @throws CommandFailedException for the first argument that names a template
     */
    static void refuseActivating(List<String> args, String verb) {
        for (String arg : args) {
            UnitName name;
            try {
                name = UnitName.of(UnitLookup.name(arg));
            } catch (InvalidUnitNameException e) {
                continue;   // the creation step names what is wrong with it
            }
            if (name.isTemplate()) {
                String instance = name.full().replace("@.", "@1.");
                throw new CommandFailedException("Unable to " + verb + " unit " + name.full() + ": it is a template, which is never "
                        + "scheduled; " + verb + " an instance of it instead, such as " + instance);
            }
        }
    }
}

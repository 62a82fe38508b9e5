package org.fleetj.fleetctl.command;

import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.CommandRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "help", description = "Help about any command")
public final class HelpCommand extends FleetCommand {
    @Parameters(paramLabel = "COMMAND", arity = "0..1", description = "The command to describe.")
    String command;

    @Spec
    CommandSpec spec;

    @Override
    protected int run(Session session) {
        CommandLine root = spec.root().commandLine();
        if (command == null) {
            root.usage(session.out());
            return 0;
        }
        CommandRegistry.Entry entry = CommandRegistry.resolve(command);
        CommandLine sub = entry == null ? null : root.getSubcommands().get(entry.name());
        if (sub == null) {
            session.err().println("Unknown help topic \"" + command + "\". Run 'fleetctl help'.");
            return 1;
        }
        sub.usage(session.out());
        return 0;
    }
}

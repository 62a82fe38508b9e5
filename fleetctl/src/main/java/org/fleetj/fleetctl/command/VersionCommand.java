package org.fleetj.fleetctl.command;

import org.fleetj.fleetctl.FleetctlVersion;
import org.fleetj.fleetctl.Session;
import picocli.CommandLine.Command;

@Command(name = "version", description = "Print the version and exit")
public final class VersionCommand extends FleetCommand {
    @Override
    protected int run(Session session) {
        session.out().println(FleetctlVersion.line());
        return 0;
    }
}

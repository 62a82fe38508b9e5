package org.fleetj.fleetctl.command;

import java.util.ArrayList;
import java.util.List;
import org.fleetj.api.ApiMachine;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.FleetClientException;
import org.fleetj.fleetctl.client.api.ApiJson;
import org.fleetj.fleetctl.client.api.Json;
import org.fleetj.fleetctl.output.Columns;
import org.fleetj.fleetctl.output.ListColumns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list-machines", description = {
        "Enumerate the current hosts in the cluster. Previously active machines will not appear in this list.",
        "Valid fields: machine, ip, metadata (default \"" + ListColumns.MACHINE_DEFAULT + "\"); beyond fleet: cpu, memory"
                + " (capacity for units), availability (schedulable, cordoned, draining, draining-all)."})
public final class ListMachinesCommand extends FleetCommand {
    @Mixin
    ListOptions list;

    /** For picocli, which fills {@link #list}. */
    public ListMachinesCommand() {
    }

    /** For the quick path, with options parsed without picocli. */
    public ListMachinesCommand(ListOptions list) {
        this.list = list;
    }

    @Override
    protected int run(Session session) {
        boolean json = list.json();
        Columns<ApiMachine> columns = ListColumns.machines();
        List<String> fields = json ? List.of() : columns.parseFields(list.fields(ListColumns.MACHINE_DEFAULT));
        if (fields.stream().anyMatch(ListColumns.MACHINE_PLACEMENT_FIELDS::contains)) {
            try {
                columns = ListColumns.machines(session.client().placement().machines());
            } catch (FleetClientException e) {
                session.err().println("Error retrieving machines' capacity and availability (" + e.getMessage() + ")");
                return 1;
            }
        }
        List<ApiMachine> machines;
        BrokenRecords broken = new BrokenRecords("machine");
        try {
            machines = session.client().machines(broken);
        } catch (FleetClientException e) {
            session.err().println("Error retrieving list of active machines from fleet API (" + e.getMessage() + ")");
            session.err().println("Possible issues:");
            session.err().println("  etcd is unhealthy and/or lost quorum");
            session.err().println("  connection cannot be established to any etcd servers");
            return 1;
        }
        broken.warn(session);
        if (json) {
            List<Object> out = new ArrayList<>();
            for (ApiMachine m : machines) out.add(ApiJson.toJson(m));
            session.out().println(Json.write(out));
            return 0;
        }
        session.out().print(columns.render(fields, machines, list.full(), list.legend()));
        return 0;
    }
}

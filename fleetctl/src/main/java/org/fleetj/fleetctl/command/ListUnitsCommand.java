package org.fleetj.fleetctl.command;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.fleetj.api.ApiMachine;
import java.util.List;
import org.fleetj.api.ApiUnitState;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.FleetClientException;
import org.fleetj.fleetctl.client.api.ApiJson;
import org.fleetj.fleetctl.client.api.Json;
import org.fleetj.fleetctl.output.Columns;
import org.fleetj.fleetctl.output.ListColumns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list-units", description = {
        "List the current state of units in the cluster: one line per unit per machine.",
        "Valid fields: active, hash, load, machine, sub, unit (default \"" + ListColumns.UNIT_STATE_DEFAULT + "\")."})
public final class ListUnitsCommand extends FleetCommand {
    @Mixin
    ListOptions list;

    /** For picocli, which fills {@link #list}. */
    public ListUnitsCommand() {
    }

    /** For the quick path, with options parsed without picocli. */
    public ListUnitsCommand(ListOptions list) {
        this.list = list;
    }

    @Override
    protected int run(Session session) {
        boolean json = list.json();
        Map<String, ApiMachine> machines = new HashMap<>();
        Columns<ApiUnitState> columns = ListColumns.unitStates(machines);
        List<String> fields = json ? List.of() : columns.parseFields(list.fields(ListColumns.UNIT_STATE_DEFAULT));
        List<ApiUnitState> states;
        BrokenRecords broken = new BrokenRecords("unit");
        try {
            states = session.client().unitStates(broken);
        } catch (FleetClientException e) {
            session.err().println("Error retrieving list of units from repository: " + e.getMessage());
            return 1;
        }
        broken.warn(session);
        if (json) {
            List<Object> out = new ArrayList<>();
            for (ApiUnitState s : states) out.add(ApiJson.toJson(s));
            session.out().println(Json.write(out));
            return 0;
        }
        if (!states.isEmpty() && fields.contains("machine")) machines.putAll(session.machines());
        session.out().print(columns.render(fields, states, list.full(), list.legend()));
        return 0;
    }
}

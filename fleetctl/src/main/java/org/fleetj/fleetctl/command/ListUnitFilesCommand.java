package org.fleetj.fleetctl.command;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import org.fleetj.api.ApiMachine;
import java.util.List;
import java.util.Map;
import org.fleetj.api.ApiUnit;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.FleetClientException;
import org.fleetj.fleetctl.client.UnitOptions;
import org.fleetj.fleetctl.client.api.ApiJson;
import org.fleetj.fleetctl.client.api.Json;
import org.fleetj.fleetctl.output.Columns;
import org.fleetj.fleetctl.output.ListColumns;
import org.fleetj.fleetctl.output.UnitFileRow;
import org.fleetj.unit.UnitFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list-unit-files", description = {
        "List the units that exist in the cluster, sorted by name.",
        "Valid fields: desc, dstate, global, hash, state, target, tmachine (deprecated), unit; beyond fleet: reason (why a unit waits), result (how a job ended) (default \""
                + ListColumns.UNIT_FILE_DEFAULT + "\")."})
public final class ListUnitFilesCommand extends FleetCommand {
    @Mixin
    ListOptions list;

    /** For picocli, which fills {@link #list}. */
    public ListUnitFilesCommand() {
    }

    /** For the quick path, with options parsed without picocli. */
    public ListUnitFilesCommand(ListOptions list) {
        this.list = list;
    }

    @Override
    protected int run(Session session) {
        boolean json = list.json();
        Map<String, ApiMachine> machines = new HashMap<>();
        Map<String, String> waitReasons = new HashMap<>();
        Map<String, org.fleetj.api.ApiJobResult> jobResults = new HashMap<>();
        Columns<UnitFileRow> columns = ListColumns.unitFiles(machines, waitReasons, jobResults);
        List<String> fields = json ? List.of() : columns.parseFields(list.fields(ListColumns.UNIT_FILE_DEFAULT));
        if (fields.contains("tmachine")) {
            session.err().println("WARNING: The \"tmachine\" field is deprecated. Use \"target\" instead");
        }
        List<ApiUnit> units;
        BrokenRecords broken = new BrokenRecords("unit");
        try {
            units = new ArrayList<>(session.client().units(broken));
        } catch (FleetClientException e) {
            session.err().println("Error retrieving list of units from repository: " + e.getMessage());
            return 1;
        }
        units.sort(Comparator.comparing(ApiUnit::name));
        broken.warn(session);
        if (json) {
            List<Object> out = new ArrayList<>();
            for (ApiUnit u : units) out.add(ApiJson.toJson(u));
            session.out().println(Json.write(out));
            return 0;
        }
        boolean needsMachines = false;
        for (ApiUnit u : units) needsMachines |= u.machineID() != null && !u.machineID().isEmpty();
        if (needsMachines && (fields.contains("target") || fields.contains("tmachine"))) machines.putAll(session.machines());
        if (fields.contains("reason")) {
            try {
                waitReasons.putAll(session.client().placement().waiting());
            } catch (FleetClientException e) {
                session.err().println("Error retrieving why units wait: " + e.getMessage());
                return 1;
            }
        }
        if (fields.contains("result")) {
            try {
                jobResults.putAll(session.client().jobResults());
            } catch (FleetClientException e) {
                session.err().println("Error retrieving job results: " + e.getMessage());
                return 1;
            }
        }
        List<UnitFileRow> rows = new ArrayList<>();
        for (ApiUnit u : units) {
            UnitFile file = UnitOptions.toUnitFile(u.options());
            rows.add(new UnitFileRow(u, file.hash().hex(), UnitOptions.isGlobal(u), file.description().orElse("")));
        }
        // a unit whose record cannot be read is a row too, its state "broken" (the WARNING above says why)
        for (var r : broken.seen()) rows.add(new UnitFileRow(new ApiUnit(r.name(), List.of(), null, "broken", null), null, false, null));
        rows.sort(Comparator.comparing((UnitFileRow r) -> r.unit().name()));
        session.out().print(columns.render(fields, rows, list.full(), list.legend()));
        return 0;
    }
}

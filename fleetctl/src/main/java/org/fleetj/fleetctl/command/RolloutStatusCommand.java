package org.fleetj.fleetctl.command;

import java.util.List;
import java.util.Optional;
import org.fleetj.api.ApiRollout;
import org.fleetj.api.ApiRolloutInstance;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.api.ApiJson;
import org.fleetj.fleetctl.client.api.Json;
import org.fleetj.fleetctl.output.MachineLegend;
import org.fleetj.fleetctl.output.TabWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fleetctl rollout status [UNIT]}: without a unit, one line per rollout; with one, its settings, phase, last
 * message and a line per instance. {@code -o json} prints the API's objects instead.
 */
@Command(name = "status", description = "Show rollouts: one line each, or one rollout's instances (beyond fleet).")
public final class RolloutStatusCommand extends RolloutSubcommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "UNIT", description = "The template (web@.service) or global unit rolled out.")
    String unit;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table (default) or json.")
    String output;

    @Option(names = {"-l", "--full"}, description = "Do not ellipsize machine ids and hashes.")
    boolean full;

    @Override
    protected int run(Session session) {
        if (!output.equals("table") && !output.equals("json")) {
            session.err().println("Error: unknown output format " + output + " (table, json)");
            return 1;
        }
        boolean json = output.equals("json");
        if (unit == null) {
            List<ApiRollout> all = session.client().rollouts();
            if (json) {
                session.out().println(Json.write(java.util.Map.of("rollouts", all.stream().map(ApiJson::toJson).toList())));
                return 0;
            }
            StringBuilder sb = new StringBuilder("UNIT\tPHASE\tPROGRESS\tMESSAGE\n");
            for (ApiRollout r : all) {
                sb.append(r.unit()).append('\t').append(r.phase()).append('\t').append(RolloutProgress.bar(r)).append('\t').append(r.message()).append('\n');
            }
            session.out().print(TabWriter.align(sb.toString()));
            return 0;
        }
        String name = UnitLookup.name(unit);
        Optional<ApiRollout> found = session.client().rollout(name);
        if (found.isEmpty()) {
            session.err().println("Error: unit " + name + " has no rollout");
            return 1;
        }
        ApiRollout r = found.get();
        if (json) {
            session.out().println(Json.write(ApiJson.toJson(r)));
            return 0;
        }
        session.out().println("Rollout of " + r.unit() + " to " + hash(r.newHash()) + ": " + r.phase() + " " + RolloutProgress.bar(r)
                + (r.control().equals("run") ? "" : " (" + r.control() + " asked)"));
        session.out().println("Settings: max-unavailable " + r.maxUnavailable() + ", min-healthy " + r.minHealthyMs() / 1000.0
                + " s, deadline " + r.activeDeadlineMs() / 1000.0 + " s, auto-revert " + (r.autoRevert() ? "on" : "off")
                + "; started " + r.createdAt());
        if (!r.message().isEmpty()) session.out().println("Last: " + r.message());
        StringBuilder sb = new StringBuilder("INSTANCE\tMACHINE\tSTEP\tSINCE\tOLD\tNOTE\n");
        for (ApiRolloutInstance i : r.instances()) {
            sb.append(i.name()).append('\t').append(i.machine().isEmpty() ? "-" : MachineLegend.of(i.machine(), session.machines(), full))
                    .append('\t').append(i.step()).append('\t').append(i.since()).append('\t').append(hash(i.oldHash())).append('\t')
                    .append(i.note().isEmpty() ? "-" : i.note()).append('\n');
        }
        session.out().print(TabWriter.align(sb.toString()));
        return 0;
    }

    private String hash(String h) {
        return full || h.length() <= 7 ? h : h.substring(0, 7);
    }
}

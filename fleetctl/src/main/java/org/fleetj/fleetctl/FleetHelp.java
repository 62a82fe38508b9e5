package org.fleetj.fleetctl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fleetj.fleetctl.output.TabWriter;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * fleet's help layout instead of picocli's: sections NAME, USAGE, VERSION, COMMANDS (for fleetctl
 * itself), DESCRIPTION, OPTIONS (the command's own flags) and GLOBAL OPTIONS, headings in capitals and
 * section bodies indented by a TAB, as fleetctl prints them.
 */
final class FleetHelp {
    private static final String USAGE = "fleetctl [global options] <command> [command options] [arguments...]";

    private FleetHelp() {
    }

    /** Applies the layout to {@code root} and the subcommands added so far. */
    static void install(CommandLine root) {
        Map<String, IHelpSectionRenderer> sections = new LinkedHashMap<>();
        sections.put("name", FleetHelp::name);
        sections.put("usage", FleetHelp::usage);
        sections.put("version", FleetHelp::version);
        sections.put("commands", FleetHelp::commands);
        sections.put("description", FleetHelp::description);
        sections.put("options", FleetHelp::options);
        sections.put("globalOptions", FleetHelp::globalOptions);
        sections.put("footer", FleetHelp::footer);
        root.setHelpSectionKeys(new ArrayList<>(sections.keySet()));
        root.setHelpSectionMap(sections);
    }

    private static boolean isRoot(Help help) {
        return help.commandSpec().parent() == null;
    }

    private static String section(String heading, String body) {
        if (body.isEmpty()) return "";
        StringBuilder sb = new StringBuilder(heading).append(":\n");
        for (String line : body.split("\n", -1)) {
            if (!line.isEmpty()) sb.append('\t').append(line);
            sb.append('\n');
        }
        return sb.append('\n').toString();
    }

    private static String name(Help help) {
        CommandSpec spec = help.commandSpec();
        String[] description = spec.usageMessage().description();
        String summary = description.length == 0 ? "" : " - " + description[0];
        return section("NAME", spec.name() + summary);
    }

    private static String usage(Help help) {
        if (isRoot(help)) return section("USAGE", USAGE);
        CommandSpec spec = help.commandSpec();
        StringBuilder sb = new StringBuilder(spec.qualifiedName());
        for (OptionSpec o : ownOptions(spec)) {
            sb.append(" [").append(String.join("|", o.names()));
            if (o.arity().max() > 0) {
                sb.append(o.arity().min() == 0 ? "[=" + o.paramLabel() + "]" : "=" + o.paramLabel());
            }
            sb.append(']');
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.hidden()) continue;
            String label = p.paramLabel() + (p.arity().max() > 1 ? "..." : "");
            sb.append(' ').append(p.arity().min() == 0 ? "[" + label + "]" : label);
        }
        return section("USAGE", sb.toString());
    }

    private static String version(Help help) {
        return isRoot(help) ? section("VERSION", FleetctlVersion.version()) : "";
    }

    private static String commands(Help help) {
        if (!isRoot(help)) return "";
        StringBuilder table = new StringBuilder();
        for (Map.Entry<String, CommandLine> e : help.commandSpec().subcommands().entrySet()) {
            String[] description = e.getValue().getCommandSpec().usageMessage().description();
            table.append(e.getKey()).append('\t').append(description.length == 0 ? "" : description[0]).append('\n');
        }
        return section("COMMANDS", TabWriter.align(table.toString()).stripTrailing());
    }

    private static String description(Help help) {
        if (isRoot(help)) return "";
        String[] description = help.commandSpec().usageMessage().description();
        if (description.length < 2) return "";
        return section("DESCRIPTION", String.join("\n", List.of(description).subList(1, description.length)));
    }

    private static String options(Help help) {
        return isRoot(help) ? "" : optionTable("OPTIONS", help, ownOptions(help.commandSpec()));
    }

    private static String globalOptions(Help help) {
        List<OptionSpec> global = new ArrayList<>();
        for (OptionSpec o : help.commandSpec().options()) {
            if (!o.hidden() && (isRoot(help) || o.inherited())) global.add(o);
        }
        return optionTable("GLOBAL OPTIONS", help, global);
    }

    private static String footer(Help help) {
        return isRoot(help) ? "Run \"fleetctl help <command>\" for more details on a specific command.\n" : "";
    }

    /** The options a command declares itself (not the inherited global ones, nor help/version). */
    private static List<OptionSpec> ownOptions(CommandSpec spec) {
        List<OptionSpec> own = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (!o.hidden() && !o.inherited() && !o.usageHelp() && !o.versionHelp()) own.add(o);
        }
        return own;
    }

    /** picocli's two-column option list (names, wrapped description) under a fleet heading. */
    private static String optionTable(String heading, Help help, List<OptionSpec> options) {
        if (options.isEmpty()) return "";
        List<OptionSpec> sorted = new ArrayList<>(options);
        sorted.sort((a, b) -> a.longestName().replaceFirst("^-+", "").compareTo(b.longestName().replaceFirst("^-+", "")));
        Help.Layout layout = help.createDefaultLayout();
        for (OptionSpec o : sorted) layout.addOption(o, help.parameterLabelRenderer());
        return heading + ":\n" + layout + "\n";
    }
}

package org.fleetj.fleetctl;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fleetj.fleetctl.command.FleetCommand;
import org.fleetj.fleetctl.command.ListMachinesCommand;
import org.fleetj.fleetctl.command.ListOptions;
import org.fleetj.fleetctl.command.ListUnitFilesCommand;
import org.fleetj.fleetctl.command.ListUnitsCommand;
import org.fleetj.fleetctl.command.VersionCommand;

/**
 * The commands scripts run most often ({@code list-units}, {@code list-machines}, {@code list-unit-files},
 * {@code version}, {@code --version}) without picocli. Building picocli's model of even one command by reflection
 * costs more CPU than the JVM's own start (docs/benchmarks.md, cli), and a monitoring loop pays it on every call.
 *
 * <p>Only plain command lines are taken: global flags as {@code --flag=value} or {@code --flag value} (booleans bare
 * or {@code =true}/{@code =false}), the command name (or its unambiguous prefix), and the list options that
 * {@link ListOptions#parse} knows. Anything else — help, an unknown flag or command, a value that does not parse,
 * {@code --} — returns null and picocli parses the whole line, so every message about bad input stays picocli's.
 * The commands themselves are the same classes picocli runs; QuickPathTest runs each accepted form both ways.
 */
final class QuickPath {
    private QuickPath() {
    }

    /** The exit status, or null when picocli must parse {@code argv} (already with the environment's flags). */
    static Integer run(String[] argv, Map<String, String> env, InputStream in, PrintStream out, PrintStream err,
                       ClientFactory clientFactory) {
        GlobalOptions options = new GlobalOptions();
        String command = null;
        List<String> commandArgs = new ArrayList<>();
        boolean version = false;
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (arg.equals("-v") || arg.equals("--version")) {
                version = true;
            } else if (arg.startsWith("--") && isGlobalFlag(flagName(arg))) {
                String flag = flagName(arg);
                String value;
                if (arg.indexOf('=') >= 0) {
                    value = arg.substring(arg.indexOf('=') + 1);
                } else if (EnvironmentOptions.BOOLEAN_FLAGS.contains(flag)) {
                    value = "true";
                } else if (i + 1 < argv.length && !argv[i + 1].startsWith("-")) {
                    value = argv[++i];
                } else {
                    return null;
                }
                if (!options.set(flag, value)) return null;
            } else if (command == null && !arg.startsWith("-")) {
                CommandRegistry.Entry entry = CommandRegistry.resolve(arg);
                if (entry == null) return null;
                command = entry.name();
            } else if (command != null) {
                commandArgs.add(arg);
            } else {
                return null;
            }
        }
        FleetCommand chosen;
        if (command == null) {
            chosen = version ? new VersionCommand() : null;
        } else if (command.equals("version")) {
            chosen = commandArgs.isEmpty() ? new VersionCommand() : null;
        } else {
            chosen = listCommand(command, commandArgs);
        }
        // --version with a command: picocli answers it (it prints nothing for a command without a version)
        if (chosen == null || version && command != null) return null;
        // the list commands read only: a driver may answer them with a lighter client (the etcd driver's JSON reader)
        ClientFactory factory = command == null || command.equals("version") ? clientFactory : clientFactory::createForLists;
        try (Session session = new Session(options, env, in, out, err, factory)) {
            return chosen.runIn(session);
        } catch (RuntimeException e) {
            return Fleetctl.reportFailure(e, err, options.debug());
        }
    }

    private static FleetCommand listCommand(String command, List<String> args) {
        ListOptions list = ListOptions.parse(args);
        if (list == null) return null;
        return switch (command) {
            case "list-units" -> new ListUnitsCommand(list);
            case "list-machines" -> new ListMachinesCommand(list);
            case "list-unit-files" -> new ListUnitFilesCommand(list);
            default -> null;
        };
    }

    private static String flagName(String arg) {
        int eq = arg.indexOf('=');
        return eq < 0 ? arg.substring(2) : arg.substring(2, eq);
    }

    private static boolean isGlobalFlag(String name) {
        return EnvironmentOptions.FLAGS.contains(name);
    }
}

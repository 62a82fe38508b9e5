package org.fleetj.fleetctl;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fleetj.fleetctl.client.FleetClientException;
import org.fleetj.fleetctl.output.InvalidFieldsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * fleetctl: fleet's command line. Global flags come from {@link GlobalOptions} (and
 * {@code FLEETCTL_*} variables); each command is one class listed in {@link CommandRegistry}.
 *
 * <p>Start-up is kept short by giving picocli only the invoked command: the first non-option argument
 * picks it, and the full command tree is built only for help, completion and unknown commands.
 */
@Command(name = "fleetctl", versionProvider = FleetctlVersion.class, synopsisSubcommandLabel = "COMMAND",
        description = "fleetctl is a command-line interface to fleet, the cluster-wide CoreOS init system.",
        commandListHeading = "%nCOMMANDS:%n", optionListHeading = "%nGLOBAL OPTIONS:%n")
public final class Fleetctl implements Callable<Integer> {
    private static final Pattern PICOCLI_INDEX = Pattern.compile("\\b(at|from) index (\\d+)");

    @Mixin
    GlobalOptions globalOptions;

    @Spec
    CommandSpec spec;

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final ClientFactory clientFactory;
    private Session session;

    Fleetctl(Map<String, String> env, InputStream in, PrintStream out, PrintStream err, ClientFactory clientFactory) {
        this.env = env;
        this.in = in;
        this.out = out;
        this.err = err;
        this.clientFactory = clientFactory;
    }

    public static void main(String[] args) {
        int code = run(args, System.getenv(), System.in, System.out, System.err, new DriverClientFactory());
        System.out.flush();
        System.exit(code);
    }

    /** Runs one fleetctl invocation and returns its exit status (0 success, 1 any error). */
    public static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err,
                          ClientFactory clientFactory) {
        String[] argv = EnvironmentOptions.apply(args, env);
        Integer quick = QuickPath.run(argv, env, in, out, err, clientFactory);
        if (quick != null) {
            out.flush();
            err.flush();
            return quick;
        }
        return runWithPicocli(args, argv, env, in, out, err, clientFactory);
    }

    /** The whole line through picocli; {@code argv} is {@code args} with the environment's flags in front. */
    static int runWithPicocli(String[] args, String[] argv, Map<String, String> env, InputStream in, PrintStream out,
                              PrintStream err, ClientFactory clientFactory) {
        Fleetctl root = new Fleetctl(env, in, out, err, clientFactory);
        CommandLine cl = new CommandLine(root);
        addCommands(cl, argv);
        FleetHelp.install(cl);
        // the terminal's encoding, as the PrintStreams around them use
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, java.nio.charset.Charset.defaultCharset()), true));
        cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, java.nio.charset.Charset.defaultCharset()), true));
        cl.setOverwrittenOptionsAllowed(true);
        cl.setExitCodeExceptionMapper(e -> 1);
        int fromEnvironment = argv.length - args.length;
        cl.setParameterExceptionHandler((e, parsed) -> onBadArguments(e, fromEnvironment));
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> root.onFailure(e));
        try {
            return cl.execute(argv);
        } finally {
            if (root.session != null) root.session.close();
            out.flush();
            err.flush();
        }
    }

    /** No command given: fleet prints its help and exits 0. */
    @Override
    public Integer call() {
        spec.commandLine().usage(out);
        return 0;
    }

    /** The session for the commands of this invocation (created once the global flags are parsed). */
    public Session session() {
        if (session == null) session = new Session(globalOptions, env, in, out, err, clientFactory);
        return session;
    }

    private static void addCommands(CommandLine cl, String[] argv) {
        int index = commandIndex(argv);
        CommandRegistry.Entry entry = index < 0 ? null : CommandRegistry.resolve(argv[index]);
        if (entry != null && !entry.name().equals("help") && !entry.name().equals("completion")) {
            argv[index] = entry.name();
            cl.addSubcommand(entry.name(), entry.type());
        } else {
            for (CommandRegistry.Entry e : CommandRegistry.all()) cl.addSubcommand(e.name(), e.type());
        }
        // as ssh(1): after the machine or unit, everything (options included) is the remote command
        CommandLine ssh = cl.getSubcommands().get("ssh");
        if (ssh != null) ssh.setStopAtPositional(true);
    }

    /** Position of the first argument that is not a global flag or a global flag's value; -1 if none. */
    static int commandIndex(String[] argv) {
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (arg.equals("--")) return -1;
            if (!arg.startsWith("-") || arg.equals("-")) return i;
            if (arg.startsWith("--") && arg.indexOf('=') < 0) {
                String flag = arg.substring(2);
                if (EnvironmentOptions.FLAGS.contains(flag) && !EnvironmentOptions.BOOLEAN_FLAGS.contains(flag)) i++;
            }
        }
        return -1;
    }

    /**
     * @param fromEnvironment how many arguments {@link EnvironmentOptions} put in front of the user's: picocli counts
     *                        them in "Unmatched argument at index N", the user must not
     */
    private static int onBadArguments(CommandLine.ParameterException e, int fromEnvironment) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("Error: " + userIndexes(e.getMessage(), fromEnvironment));
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
            err.println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
        }
        err.flush();
        return 1;
    }

    /** picocli's "at index N" / "from index N" counted in the arguments the user typed. */
    static String userIndexes(String message, int fromEnvironment) {
        if (fromEnvironment == 0 || message == null) return message;
        Matcher m = PICOCLI_INDEX.matcher(message);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            int index = Integer.parseInt(m.group(2)) - fromEnvironment;
            m.appendReplacement(sb, m.group(1) + " index " + Math.max(0, index));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private int onFailure(Exception e) {
        return reportFailure(e, err, session != null && session.options().debug());
    }

    /** Prints what went wrong as fleet words it; returns the exit status 1. */
    static int reportFailure(Exception e, PrintStream err, boolean debug) {
        if (e instanceof ClientInitException) {
            err.println("Unable to initialize client: " + e.getMessage());
        } else if (e instanceof FleetClientException || e instanceof InvalidFieldsException) {
            err.println(e.getMessage());
        } else {
            err.println("Error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (debug) e.printStackTrace(err);
        }
        return 1;
    }
}

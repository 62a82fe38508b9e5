package org.fleetj.fleetctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What fleetctl does before and around talking to a cluster: version, help, command names, flag
 * errors, endpoints that cannot work, and the exit status of each.
 */
class CliBasicsTest {
    private static final Map<String, String> NO_ENV = Map.of();
    private static final String VERSION = FleetctlVersion.version();
    private static final String MISSING_SOCKET = "/var/tmp/fleetctl-test-no-such-dir/fleet.sock";

    @Test
    void versionCommandFlagAndShorthandPrintTheVersion() {
        assertTrue(VERSION.matches("\\d+\\.\\d+\\.\\d+.*"), VERSION);
        String expected = "fleetctl version " + VERSION + "\n";
        Cli.run(NO_ENV, "version").is(0, expected, "");
        Cli.run(NO_ENV, "--version").is(0, expected, "");
        Cli.run(NO_ENV, "-v").is(0, expected, "");
    }

    @Test
    void noArgumentsPrintsFleetStyleHelpAndExitsZero() {
        Cli.Result r = Cli.run(NO_ENV);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("", r.err());
        assertTrue(r.out().startsWith("NAME:\n\tfleetctl - fleetctl is a command-line interface to fleet, the cluster-wide CoreOS init system.\n\n"
                + "USAGE:\n\tfleetctl [global options] <command> [command options] [arguments...]\n\n"
                + "VERSION:\n\t" + VERSION + "\n\n"
                + "COMMANDS:\n\tcat\t\tOutput the contents of a submitted unit"), r.out());
        for (String command : List.of("cat", "destroy", "help", "list-machines", "list-unit-files", "list-units", "load",
                "restart", "start", "stop", "submit", "unload", "version", "completion")) {
            assertTrue(r.out().contains("\n\t" + command + "\t"), command + " missing from:\n" + r.out());
        }
        assertTrue(r.out().contains("\nGLOBAL OPTIONS:\n"), r.out());
        for (String flag : List.of("--endpoint=URL", "--driver=NAME", "--etcd-key-prefix=PREFIX", "--ca-file=FILE", "--cert-file=FILE",
                "--key-file=FILE", "--known-hosts-file=FILE", "--strict-host-key-checking", "--ssh-username=USER",
                "--ssh-timeout=SECONDS", "--tunnel=HOST[:PORT]", "--request-timeout=SECONDS", "--debug", "--version")) {
            assertTrue(r.out().contains(flag), flag + " missing from:\n" + r.out());
        }
        assertTrue(r.out().endsWith("Run \"fleetctl help <command>\" for more details on a specific command.\n"), r.out());
        assertEquals(r, Cli.run(NO_ENV, "help"), "help without a topic is the same text");
    }

    @Test
    void helpForACommandSeparatesItsOptionsFromTheGlobalOnes() {
        Cli.Result r = Cli.run(NO_ENV, "help", "list-machines");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("NAME:\n\tlist-machines - Enumerate the current hosts in the cluster."), r.out());
        assertTrue(r.out().contains("USAGE:\n\tfleetctl list-machines [--fields=FIELDS] [-l|--full] [--no-legend] [-o|--output=FORMAT]\n"), r.out());
        String options = r.out().substring(r.out().indexOf("\nOPTIONS:\n"), r.out().indexOf("\nGLOBAL OPTIONS:\n"));
        assertTrue(options.contains("--no-legend") && options.contains("-l, --full") && options.contains("--fields"), options);
        assertTrue(!options.contains("--endpoint"), "global flags are listed apart: " + options);
        assertTrue(r.out().substring(r.out().indexOf("\nGLOBAL OPTIONS:\n")).contains("--endpoint=URL"), r.out());
        assertEquals(r, Cli.run(NO_ENV, "list-machines", "--help"));
        assertEquals(r, Cli.run(NO_ENV, "list-machines", "-h"));
        assertEquals(r, Cli.run(NO_ENV, "help", "list-m"), "help topics match by prefix too");

        Cli.Result start = Cli.run(NO_ENV, "help", "start");
        assertTrue(start.out().contains("USAGE:\n\tfleetctl start [--replace] [--no-block[=BOOL]] [--block-attempts=N] [UNIT...]\n"), start.out());
    }

    @Test
    void unknownHelpTopicFails() {
        Cli.run(NO_ENV, "help", "bogus").is(1, "", "Unknown help topic \"bogus\". Run 'fleetctl help'.\n");
    }

    @Test
    void commandsMatchByUnambiguousPrefix() {
        Cli.run(NO_ENV, "vers").is(0, "fleetctl version " + VERSION + "\n", "");
        Cli.run(NO_ENV, "--endpoint", "foo", "list-m").is(1, "", "Unable to initialize client: URL scheme undefined\n");
        Cli.run(NO_ENV, "--endpoint", "foo", "list-unit-f").is(1, "", "Unable to initialize client: URL scheme undefined\n");
    }

    @Test
    void ambiguousOrUnknownCommandsFail() {
        Cli.Result ambiguous = Cli.run(NO_ENV, "list-u");
        assertEquals(1, ambiguous.exit(), ambiguous.toString());
        assertEquals("", ambiguous.out());
        assertTrue(ambiguous.err().startsWith("Error: Unmatched argument at index 0: 'list-u'\n"), ambiguous.err());
        assertTrue(ambiguous.err().contains("list-units") && ambiguous.err().contains("list-unit-files"), ambiguous.err());

        Cli.run(NO_ENV, "st").is(1, "", "Error: Unmatched argument at index 0: 'st'\nDid you mean: fleetctl stop or fleetctl start or fleetctl status?\n");
        Cli.run(NO_ENV, "qqq").is(1, "", "Error: Unmatched argument at index 0: 'qqq'\nRun 'fleetctl --help' for usage.\n");
        // FLEETCTL_* variables become arguments in front of the user's; the index still counts only what was typed
        Map<String, String> env = Map.of("FLEETCTL_DRIVER", "etcd", "FLEETCTL_SSH_USERNAME", "root");
        Cli.run(env, "qqq").is(1, "", "Error: Unmatched argument at index 0: 'qqq'\nRun 'fleetctl --help' for usage.\n");
        Cli.run(env, "--debug", "version", "a", "b").is(1, "",
                "Error: Unmatched arguments from index 2: 'a', 'b'\nRun 'fleetctl version --help' for usage.\n");
    }

    @Test
    void badFlagsExitNonZeroWithTheReason() {
        Cli.run(NO_ENV, "list-machines", "--bogus").is(1, "", "Error: Unknown option: '--bogus'\nRun 'fleetctl list-machines --help' for usage.\n");
        Cli.run(NO_ENV, "start", "--block-attempts", "x", "a")
                .is(1, "", "Error: Invalid value for option '--block-attempts': 'x' is not an int\nRun 'fleetctl start --help' for usage.\n");
        Cli.run(NO_ENV, "--request-timeout", "soon", "list-units")
                .is(1, "", "Error: Invalid value for option '--request-timeout': 'soon' is not a double\nRun 'fleetctl --help' for usage.\n");
        Cli.run(NO_ENV, "completion").is(1, "", "Error: Missing required parameter: 'SHELL'\nRun 'fleetctl completion --help' for usage.\n");
    }

    @Test
    void listFlagsAreCheckedBeforeConnecting() {
        // the endpoint is unusable: these fail on their flags first
        String[] bad = {"--endpoint", "unix://" + MISSING_SOCKET};
        Map<String, String> firstField = Map.of("list-machines", "machine", "list-units", "unit", "list-unit-files", "unit");
        for (String command : firstField.keySet()) {
            Cli.run(NO_ENV, concat(bad, command, "--fields", "bogus")).is(1, "", "Invalid key in output format: \"bogus\"\n");
            Cli.run(NO_ENV, concat(bad, command, "--fields", "")).is(1, "", "Must define output format\n");
            Cli.run(NO_ENV, concat(bad, command, "--fields", firstField.get(command) + ",,")).is(1, "", "Invalid key in output format: \"\"\n");
            Cli.run(NO_ENV, concat(bad, command, "-o", "yaml")).is(1, "", "Error: invalid output format \"yaml\": use table or json\n");
        }
        Cli.run(NO_ENV, concat(bad, "list-units", "--fields", "unit,target")).is(1, "", "Invalid key in output format: \"target\"\n");
        Cli.run(NO_ENV, concat(bad, "list-machines", "--fields", "machine,unit")).is(1, "", "Invalid key in output format: \"unit\"\n");
        Cli.run(NO_ENV, concat(bad, "list-unit-files", "--fields", "UNIT")).is(1, "", "Invalid key in output format: \"UNIT\"\n");
    }

    @Test
    void missingUnitArgumentsAreErrors() {
        for (String command : List.of("start", "stop", "load", "unload", "submit", "destroy", "restart")) {
            Cli.run(NO_ENV, command).is(1, "", "No units given\n");
        }
        Cli.run(NO_ENV, "cat").is(1, "", "One unit file must be provided\n");
        Cli.run(NO_ENV, "cat", "a", "b").is(1, "", "One unit file must be provided\n");
    }

    @Test
    void signingIsRefusedWithExitTwo() {
        String warning = "WARNING: The signed/verified units feature is DEPRECATED and cannot be used.\n";
        for (String command : List.of("start", "load", "submit")) {
            Cli.run(NO_ENV, command, "--sign", "a.service").is(2, "", warning);
        }
    }

    @Test
    void endpointWithoutSchemeIsRefused() {
        Cli.run(NO_ENV, "--endpoint", "127.0.0.1:49153", "list-units").is(1, "", "Unable to initialize client: URL scheme undefined\n");
        Cli.run(NO_ENV, "--endpoint", "", "list-units").is(1, "", "Unable to initialize client: URL scheme undefined\n");
    }

    @Test
    void unixEndpointWithAHostPartIsRefused() {
        Cli.run(NO_ENV, "--endpoint", "unix://var/run/fleet.sock", "list-machines")
                .is(1, "", "Unable to initialize client: unable to connect to host \"var\" with scheme \"unix\"\n");
        Cli.run(NO_ENV, "--endpoint", "file://var/run/fleet.sock", "list-machines")
                .is(1, "", "Unable to initialize client: unable to connect to host \"var\" with scheme \"file\"\n");
    }

    @Test
    void unsupportedSchemeAndDriverAreRefused() {
        Cli.run(NO_ENV, "--endpoint", "ftp://host", "list-units").is(1, "",
                "Unable to initialize client: unsupported URL scheme \"ftp\" in endpoint ftp://host: use unix://, file://, http:// or https://\n");
        Cli.run(NO_ENV, "--driver", "bogus", "list-units").is(1, "", "Unable to initialize client: unrecognized driver \"bogus\"\n");
        Cli.run(NO_ENV, "--driver=bogus", "cat", "x").is(1, "", "Unable to initialize client: unrecognized driver \"bogus\"\n");
    }

    @Test
    void unreachableSocketGivesAClearMessageOnEveryCommand() {
        String endpoint = "--endpoint=unix://" + MISSING_SOCKET;
        String dial = "dial unix " + MISSING_SOCKET + ": connect: no such file or directory";
        Cli.run(NO_ENV, endpoint, "list-units").is(1, "",
                "Error retrieving list of units from repository: Get http://domain-sock/fleet/v1/state: " + dial + "\n");
        Cli.run(NO_ENV, endpoint, "list-unit-files").is(1, "",
                "Error retrieving list of units from repository: Get http://domain-sock/fleet/v1/units: " + dial + "\n");
        Cli.run(NO_ENV, endpoint, "list-machines").is(1, "",
                "Error retrieving list of active machines from fleet API (Get http://domain-sock/fleet/v1/machines: " + dial + ")\n"
                        + "Possible issues:\n  etcd is unhealthy and/or lost quorum\n  connection cannot be established to any etcd servers\n");
        String unitUrl = "Get http://domain-sock/fleet/v1/units/hello.service: " + dial;
        Cli.run(NO_ENV, endpoint, "cat", "hello").is(1, "", "Error retrieving Unit hello.service: " + unitUrl + "\n");
        for (String command : List.of("submit", "load", "start")) {
            Cli.run(NO_ENV, endpoint, command, "hello").is(1, "",
                    "Error creating units: error retrieving Unit(hello.service) from Registry: " + unitUrl + "\n");
        }
        for (String command : List.of("stop", "unload", "destroy", "restart")) {
            Cli.run(NO_ENV, endpoint, command, "hello").is(1, "", unitUrl + "\n");
        }
    }

    @Test
    void refusedTcpConnectionIsReported() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Cli.run(NO_ENV, "--endpoint", "http://127.0.0.1:" + port, "list-units").is(1, "",
                "Error retrieving list of units from repository: Get http://127.0.0.1:" + port + "/fleet/v1/state: dial tcp 127.0.0.1:" + port
                        + ": connection refused\n");
    }

    @Test
    void requestTimeoutBoundsAHangingServer() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) accepted.add(server.accept()); // accept, never answer
                } catch (IOException e) {
                    // server closed: done
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String url = "http://127.0.0.1:" + server.getLocalPort();
            long t0 = System.nanoTime();
            Cli.run(NO_ENV, "--endpoint", url, "--request-timeout", "0.3", "list-unit-files").is(1, "",
                    "Error retrieving list of units from repository: Get " + url + "/fleet/v1/units: request timed out after 300 ms (--request-timeout)\n");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 250 && ms < 2500, "timed out after " + ms + " ms");
            Cli.run(Map.of("FLEETCTL_REQUEST_TIMEOUT", "0.2"), "--endpoint", url, "list-unit-files").is(1, "",
                    "Error retrieving list of units from repository: Get " + url + "/fleet/v1/units: request timed out after 200 ms (--request-timeout)\n");
        } finally {
            for (Socket s : accepted) s.close();
        }
    }

    @Test
    void multipleApiEndpointsUseTheFirstWithAWarning() {
        String first = "unix://" + MISSING_SOCKET;
        Cli.run(NO_ENV, "--endpoint", first + ",http://127.0.0.1:1", "list-units").is(1, "",
                "multiple endpoints provided but only the first (" + first + ") is used\n"
                        + "Error retrieving list of units from repository: Get http://domain-sock/fleet/v1/state: dial unix " + MISSING_SOCKET
                        + ": connect: no such file or directory\n");
    }

    @Test
    void completionScriptsForBashAndZsh() {
        Cli.Result bash = Cli.run(NO_ENV, "completion", "bash");
        assertEquals(0, bash.exit(), bash.err());
        assertEquals("", bash.err());
        assertTrue(bash.out().contains("complete -F _complete_fleetctl") && bash.out().contains("list-unit-files"), bash.out());
        assertTrue(bash.out().contains("--no-legend") && bash.out().contains("--block-attempts"), "command flags complete too");
        Cli.Result zsh = Cli.run(NO_ENV, "completion", "zsh");
        assertEquals(0, zsh.exit(), zsh.err());
        assertTrue(zsh.out().startsWith("autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n"), zsh.out());
        assertTrue(zsh.out().endsWith(bash.out()), "zsh runs the bash script through bashcompinit");
        Cli.run(NO_ENV, "completion", "fish").is(1, "", "unsupported shell \"fish\": use bash or zsh\n");
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = new String[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}

package org.fleetj.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fleetj.testkit.LocalClusterOptions;
import org.fleetj.testkit.Machine;

/**
 * A local cluster whose fleetd API is TLS with access roles, as {@code scripts/local-cluster up --secure-api} makes
 * it: {@code scripts/local-cluster-tls} writes the CA, certificates and tokens, and its fleet.conf lines go to
 * every machine through {@code --conf}. The certificates name the machine addresses, so the subnet is fixed here.
 */
final class SecureApi {
    final Path dir;
    final String subnet;
    final List<String> confLines;
    final String writeToken;
    final String readToken;

    private SecureApi(Path dir, String subnet, List<String> confLines) {
        this.dir = dir;
        this.subnet = subnet;
        this.confLines = confLines;
        this.writeToken = token(confLines, "write:");
        this.readToken = token(confLines, "read:");
    }

    /** Credentials for a cluster on {@code 10.X.Y} (a subnet of this test's own). */
    static SecureApi make(String name, String subnet) {
        try {
            Path dir = Path.of("target", "secure-api-" + name).toAbsolutePath();
            Process p = new ProcessBuilder(script().toString(), dir.toString(), subnet)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("local-cluster-tls failed: " + out);
            return new SecureApi(dir, subnet, out.strip().lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path script() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("scripts/local-cluster-tls");
            if (Files.isExecutable(s)) return s;
        }
        throw new IllegalStateException("scripts/local-cluster-tls not found above " + Path.of("").toAbsolutePath());
    }

    LocalClusterOptions options(LocalClusterOptions base) {
        LocalClusterOptions o = base.subnet(subnet);
        for (String line : confLines) {
            int eq = line.indexOf('=');
            o = o.conf(line.substring(0, eq), line.substring(eq + 1));
        }
        return o;
    }

    Path caFile() {
        return dir.resolve("ca.pem");
    }

    static String url(Machine m) {
        return "https://" + m.ip() + ":49153";
    }

    /** fleetctl's API driver against {@code m} with the token of a role. */
    Map<String, String> apiEnv(Machine m, String token) {
        return Map.of("FLEETCTL_DRIVER", "api", "FLEETCTL_ENDPOINT", url(m), "FLEETCTL_CA_FILE", caFile().toString(),
                "FLEETCTL_API_TOKEN", token);
    }

    private static String token(List<String> lines, String role) {
        for (String l : lines) {
            if (!l.startsWith("api_tokens=")) continue;
            for (String part : l.substring("api_tokens=".length()).split(",")) if (part.startsWith(role)) return part.substring(role.length());
        }
        throw new IllegalStateException("no " + role + " token in " + lines);
    }

    /** A subnet for this JVM's cluster: 10.2xx.Y from the PID, away from the ones the other tests pick. */
    static String subnetFor(int offset) {
        long pid = ProcessHandle.current().pid();
        return "10." + (200 + (int) (pid % 50)) + "." + ((pid / 50 + offset) % 250 + 1);
    }

    static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // leftovers under target/ only
        }
    }
}

package org.fleetj.registry.etcd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** etcdctl (v3) as an independent witness and tool for tests: it shares no code with jetcd. */
public final class Etcdctl {
    private final List<String> base;

    private Etcdctl(List<String> base) {
        this.base = base;
    }

    public static Etcdctl at(String endpoints) {
        return new Etcdctl(List.of("etcdctl", "--endpoints=" + endpoints, "--command-timeout=5s"));
    }

    public Etcdctl withUser(String user, String password) {
        List<String> b = new ArrayList<>(base);
        b.add("--user=" + user + ":" + password);
        return new Etcdctl(b);
    }

    public Etcdctl withTls(String caFile, String certFile, String keyFile) {
        List<String> b = new ArrayList<>(base);
        b.addAll(List.of("--cacert=" + caFile, "--cert=" + certFile, "--key=" + keyFile));
        return new Etcdctl(b);
    }

    /** Runs one command; its stdout, or an AssertionError with what etcdctl said. */
    public String run(String... args) {
        List<String> cmd = new ArrayList<>(base);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("ETCD"));
        pb.environment().put("ETCDCTL_API", "3");
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("etcdctl " + List.of(args) + " did not finish");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new AssertionError("etcdctl " + String.join(" ", args) + " failed (" + p.exitValue() + "): " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new AssertionError("cannot run etcdctl: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    void revokeLease(long leaseId) {
        run("lease", "revoke", Long.toHexString(leaseId));
    }

    /** The store's current revision (from a read's header). */
    long revision() {
        String json = run("get", "/", "--prefix", "--keys-only", "--limit=1", "-w", "json");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"revision\":(\\d+)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no revision in " + json);
        }
        return Long.parseLong(m.group(1));
    }
}

package org.fleetj.fleetctl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * fleet's {@code FLEETCTL_<FLAG>} environment variables for the global flags: the flag name upper-cased
 * with {@code -} as {@code _}. A variable applies only when its flag is not on the command line, and
 * is ignored when empty. Applied by prepending {@code --flag=value} to the arguments, so the parser
 * treats it exactly like a typed flag.
 */
public final class EnvironmentOptions {
    /** Global flags that take the environment: every one except help and version. */
    static final List<String> FLAGS = List.of("endpoint", "driver", "etcd-key-prefix", "ca-file", "cert-file",
            "key-file", "etcd-cafile", "etcd-certfile", "etcd-keyfile", "known-hosts-file", "strict-host-key-checking",
            "ssh-username", "ssh-timeout", "tunnel", "request-timeout", "debug", "experimental-api", "identity-file", "api-token");

    /** Global flags that are booleans: they never take a separate value argument. */
    static final List<String> BOOLEAN_FLAGS = List.of("strict-host-key-checking", "debug", "experimental-api");

    private EnvironmentOptions() {
    }

    public static String variableName(String flag) {
        return "FLEETCTL_" + flag.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The arguments with {@code --flag=value} in front for each set variable whose flag was not given. */
    public static String[] apply(String[] args, Map<String, String> env) {
        List<String> out = new ArrayList<>();
        for (String flag : FLAGS) {
            String value = env.get(variableName(flag));
            if (value == null || value.isEmpty() || given(args, flag)) continue;
            out.add("--" + flag + "=" + value);
        }
        if (out.isEmpty()) return args;
        out.addAll(List.of(args));
        return out.toArray(new String[0]);
    }

    /** Whether {@code --flag} or {@code --flag=...} appears before any {@code --} end-of-options marker. */
    static boolean given(String[] args, String flag) {
        String exact = "--" + flag;
        String withValue = exact + "=";
        for (String arg : args) {
            if (arg.equals("--")) return false;
            if (arg.equals(exact) || arg.startsWith(withValue)) return true;
        }
        return false;
    }
}

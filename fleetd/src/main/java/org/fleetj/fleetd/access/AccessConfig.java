package org.fleetj.fleetd.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may do what on fleetd's TCP listeners (fleet.conf; the unix socket is guarded by its file mode and group).
 *
 * @param tokens          bearer tokens and their roles ({@code api_tokens=read:TOKEN,write:TOKEN})
 * @param readOnlyNames   common names of client certificates that get the read role ({@code api_readonly_cns});
 *                        every other certificate signed by {@code listen_cafile} gets the write role
 * @param clusterSecret   the secret fleetds present to each other when relaying journal and status requests
 *                        ({@code cluster_secret}); it grants the read role
 * @param advertiseUrl    the API URL this fleetd announces to the others ({@code api_advertise_url}); default:
 *                        the first TCP listener with {@code public_ip} as host
 */
public record AccessConfig(Map<String, Role> tokens, Set<String> readOnlyNames, Optional<String> clusterSecret,
                           Optional<String> advertiseUrl) {
    /** Shortest accepted token or secret: guessing must not be an option. */
    public static final int MIN_SECRET_LENGTH = 16;

    public static final AccessConfig NONE = new AccessConfig(Map.of(), Set.of(), Optional.empty(), Optional.empty());

    public AccessConfig {
        tokens = Map.copyOf(tokens);
        readOnlyNames = Set.copyOf(readOnlyNames);
        clusterSecret.ifPresent(s -> checkSecret("cluster_secret", s));
        tokens.keySet().forEach(t -> checkSecret("api_tokens", t));
    }

    /** Whether TCP callers must prove who they are (otherwise the listeners stay open, as before). */
    public boolean tokensConfigured() {
        return !tokens.isEmpty() || clusterSecret.isPresent();
    }

    /** {@code read:TOKEN,write:TOKEN} from fleet.conf; an empty value means no tokens. */
    public static Map<String, Role> parseTokens(String value) {
        Map<String, Role> out = new LinkedHashMap<>();
        for (String part : value.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            int colon = p.indexOf(':');
            if (colon <= 0) throw new IllegalArgumentException("invalid value for api_tokens: each entry is read:TOKEN or write:TOKEN");
            Role role;
            try {
                role = Role.parse(p.substring(0, colon));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid value for api_tokens: " + e.getMessage());
            }
            String token = p.substring(colon + 1);
            if (out.put(token, role) != null) throw new IllegalArgumentException("invalid value for api_tokens: a token is listed twice");
        }
        return out;
    }

    /** {@code admin,viewer}: certificate common names. */
    public static Set<String> parseNames(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split(",")) if (!part.isBlank()) out.add(part.trim());
        return Set.copyOf(out);
    }

    private static void checkSecret(String option, String secret) {
        if (secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("invalid value for " + option + ": a token must be at least " + MIN_SECRET_LENGTH + " characters");
        }
        if (!secret.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ',')) {
            throw new IllegalArgumentException("invalid value for " + option + ": a token is printable ASCII without spaces or commas");
        }
    }

    /** Compares secrets in time independent of where they differ. */
    static boolean same(String a, String b) {
        return MessageDigest.isEqual(sha256(a), sha256(b));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "api_tokens=" + (tokens.isEmpty() ? "-" : tokens.size() + " (hidden)") + " api_readonly_cns=" + readOnlyNames
                + " cluster_secret=" + (clusterSecret.isPresent() ? "(set)" : "-") + " api_advertise_url=" + advertiseUrl.orElse("-");
    }
}

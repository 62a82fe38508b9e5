package org.fleetj.fleetd.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.fleetj.fleetd.access.AccessConfig;
import org.ini4j.Config;
import org.ini4j.Ini;
import org.ini4j.Profile;

/**
 * Reads fleetd's configuration the way fleet did: the INI file (default /etc/fleet/fleet.conf, or
 * {@code --config}), then {@code FLEET_<NAME>} environment variables, then {@code --<name>=value} flags;
 * later sources win. fleet.conf has no sections, so ini4j's global section is used. Unknown keys in the
 * file are reported as warnings (fleet ignored them); unknown flags are errors.
 */
public final class ConfigLoader {
    public static final Path DEFAULT_CONFIG = Path.of("/etc/fleet/fleet.conf");

    /** Every option fleetd knows, with its default (as text, parsed like any other value). */
    static final Map<String, String> DEFAULTS = defaults();

    /** fleet options that are accepted and ignored, with a warning. */
    private static final Set<String> DEPRECATED = Set.of("verify_units", "authorized_keys_file", "enable_grpc", "disable_watches");

    private final List<String> warnings = new ArrayList<>();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("etcd_servers", "http://127.0.0.1:2379");
        d.put("etcd_key_prefix", "/fleet/");
        d.put("etcd_request_timeout", "1.0");
        d.put("etcd_cafile", "");
        d.put("etcd_certfile", "");
        d.put("etcd_keyfile", "");
        d.put("etcd_username", "");
        d.put("etcd_password", "");
        d.put("public_ip", "");
        d.put("metadata", "");
        d.put("agent_ttl", "30s");
        d.put("engine_reconcile_interval", "2.0");
        d.put("units_directory", "/run/fleet/units");
        d.put("systemd_user", "false");
        d.put("disable_engine", "false");
        d.put("token_limit", "100");
        d.put("verbosity", "0");
        d.put("api_socket", "/var/run/fleet.sock");
        d.put("api_socket_group", "");
        d.put("listen", "");
        d.put("listen_certfile", "");
        d.put("listen_keyfile", "");
        d.put("listen_cafile", "");
        d.put("api_tokens", "");
        d.put("api_readonly_cns", "");
        d.put("cluster_secret", "");
        d.put("api_advertise_url", "");
        d.put("stop_on_disconnect_after", "");
        d.put("machine_id_file", "/etc/machine-id");
        d.put("dbus_address", "");
        // placement beyond fleet (PlacementConfig)
        d.put("capacity_cpu", "");
        d.put("capacity_memory", "");
        d.put("reserved_cpu", "0.1");
        d.put("reserved_memory", "256M");
        d.put("placement_ranking", "spread");
        d.put("drain_batch_size", "3");
        return d;
    }

    /** Every option name fleetd knows, in a stable order (for --help). */
    public static List<String> optionNames() {
        return List.copyOf(DEFAULTS.keySet());
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /**
     * @param args command-line arguments ({@code --config PATH}, {@code --<name>=value} or {@code --<name> value})
     * @param env  the process environment
     */
    public FleetConfig load(List<String> args, Map<String, String> env) throws ConfigException {
        Map<String, String> flags = parseFlags(args);
        Path file = flags.containsKey("config") ? Path.of(flags.remove("config")) : DEFAULT_CONFIG;
        boolean explicitFile = args.stream().anyMatch(a -> a.equals("--config") || a.startsWith("--config="));

        Map<String, String> raw = new LinkedHashMap<>(DEFAULTS);
        raw.putAll(readFile(file, explicitFile));
        for (String name : DEFAULTS.keySet()) {
            String v = env.get("FLEET_" + name.toUpperCase(Locale.ROOT));
            if (v != null && !v.isEmpty()) raw.put(name, v);
        }
        raw.putAll(flags);
        return build(raw);
    }

    private Map<String, String> parseFlags(List<String> args) throws ConfigException {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) throw new ConfigException("unexpected argument \"" + a + "\": options are given as --name=value");
            String body = a.substring(2);
            String name;
            String value;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                name = body.substring(0, eq);
                value = body.substring(eq + 1);
            } else {
                name = body;
                if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                    value = args.get(++i);
                } else if (isBooleanOption(name)) {
                    value = "true";
                } else {
                    throw new ConfigException("option --" + name + " needs a value");
                }
            }
            name = name.replace('-', '_');
            if (!name.equals("config") && !DEFAULTS.containsKey(name) && !DEPRECATED.contains(name)) {
                throw new ConfigException("unknown option --" + name.replace('_', '-') + " (known: " + String.join(", ", DEFAULTS.keySet()) + ")");
            }
            if (DEPRECATED.contains(name)) {
                warnings.add("option " + name + " is deprecated and ignored");
                continue;
            }
            out.put(name, value);
        }
        return out;
    }

    private static boolean isBooleanOption(String name) {
        String n = name.replace('-', '_');
        return n.equals("systemd_user") || n.equals("disable_engine");
    }

    private Map<String, String> readFile(Path file, boolean explicit) throws ConfigException {
        Map<String, String> out = new LinkedHashMap<>();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (explicit) throw new ConfigException("config file " + file + " does not exist");
            return out;
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Ini ini = new Ini();
        Config cfg = Config.getGlobal().clone();
        cfg.setGlobalSection(true);
        cfg.setGlobalSectionName("?");
        cfg.setEscape(false);
        cfg.setMultiOption(false);
        cfg.setEmptyOption(true);
        ini.setConfig(cfg);
        try (Reader r = new java.io.StringReader(text)) {
            ini.load(r);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("config file " + file + " is not valid INI: " + e.getMessage());
        }
        for (Profile.Section section : ini.values()) {
            if (!section.getName().equals("?")) {
                throw new ConfigException("config file " + file + ": unexpected section [" + section.getName() + "]; fleet.conf holds plain name=value lines");
            }
            for (Map.Entry<String, String> e : section.entrySet()) {
                String name = e.getKey().trim();
                String value = e.getValue() == null ? "" : e.getValue();
                if (DEPRECATED.contains(name)) {
                    warnings.add("config option " + name + " is deprecated and ignored");
                } else if (!DEFAULTS.containsKey(name)) {
                    warnings.add("config file " + file + ": unknown option " + name + " ignored");
                } else {
                    out.put(name, value);
                }
            }
        }
        return out;
    }

    /**
     * What the single-value checks cannot see: files that must be readable, options that only make sense together,
     * paths that must be absolute, a socket group that must exist. fleetd refuses to start naming the option rather
     * than failing later (or, for TLS files, retrying forever against etcd).
     */
    private static void checkFilesAndPairs(Map<String, String> r, List<String> listen) throws ConfigException {
        for (String option : List.of("etcd_cafile", "etcd_certfile", "etcd_keyfile", "listen_certfile", "listen_keyfile", "listen_cafile")) {
            String v = ConfigValues.unquote(r.get(option));
            if (v.isEmpty()) continue;
            Path f = Path.of(v);
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                throw new ConfigException("invalid value for " + option + ": " + v + " does not exist or is not a readable file");
            }
        }
        together(r, "etcd_certfile", "etcd_keyfile", "etcd TLS client authentication needs both");
        together(r, "listen_certfile", "listen_keyfile", "the HTTPS listener needs both");
        if (!set(r, "etcd_username") && set(r, "etcd_password")) {
            throw new ConfigException("invalid value for etcd_password: a password needs etcd_username too");
        }
        if (set(r, "etcd_username") && !set(r, "etcd_password")) {
            throw new ConfigException("invalid value for etcd_username: a user name needs etcd_password too");
        }
        boolean https = listen.stream().anyMatch(l -> l.startsWith("https://"));
        if (https && !set(r, "listen_certfile")) {
            throw new ConfigException("invalid value for listen: an https:// listener needs listen_certfile and listen_keyfile");
        }
        if (!https && (set(r, "listen_certfile") || set(r, "listen_cafile"))) {
            String option = set(r, "listen_cafile") ? "listen_cafile" : "listen_certfile";
            throw new ConfigException("invalid value for " + option + ": it applies to an https:// listener, and listen has none");
        }
        for (String option : List.of("units_directory", "machine_id_file")) {
            String v = ConfigValues.unquote(r.get(option));
            if (!v.startsWith("/")) throw new ConfigException("invalid value for " + option + ": \"" + v + "\" must be an absolute path");
        }
        String socket = ConfigValues.unquote(r.get("api_socket"));
        if (!socket.isEmpty() && !socket.startsWith("/")) {
            throw new ConfigException("invalid value for api_socket: \"" + socket + "\" must be an absolute path (or empty: no socket)");
        }
        String group = ConfigValues.unquote(r.get("api_socket_group"));
        if (!group.isEmpty()) {
            try {
                java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
            } catch (IOException e) {
                throw new ConfigException("invalid value for api_socket_group: no group \"" + group + "\" on this machine");
            }
        }
        String bus = ConfigValues.unquote(r.get("dbus_address"));
        if (!bus.isEmpty() && !bus.matches("[a-z][a-z0-9-]*:([A-Za-z0-9_-]+=[^,;]*(,[A-Za-z0-9_-]+=[^,;]*)*)?(;[a-z][a-z0-9-]*:([A-Za-z0-9_-]+=[^,;]*(,[A-Za-z0-9_-]+=[^,;]*)*)?)*")) {
            throw new ConfigException("invalid value for dbus_address: \"" + bus + "\" is not a D-Bus address (e.g. unix:path=/run/dbus/system_bus_socket)");
        }
    }

    /** Who may do what on the TCP listeners; the values are secrets and never appear in a message. */
    private static AccessConfig access(Map<String, String> r) throws ConfigException {
        if (set(r, "api_readonly_cns") && !set(r, "listen_cafile")) {
            throw new ConfigException("invalid value for api_readonly_cns: certificate names need client certificates, and listen_cafile is not set");
        }
        String advertise = ConfigValues.unquote(r.get("api_advertise_url"));
        if (!advertise.isEmpty() && !advertise.matches("https?://[^/\\s]+/?")) {
            throw new ConfigException("invalid value for api_advertise_url: \"" + advertise + "\" is not an http(s)://host:port URL");
        }
        try {
            return new AccessConfig(AccessConfig.parseTokens(ConfigValues.unquote(r.get("api_tokens"))),
                    AccessConfig.parseNames(ConfigValues.unquote(r.get("api_readonly_cns"))),
                    ConfigValues.optionalString(r.get("cluster_secret")),
                    advertise.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(advertise));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static boolean set(Map<String, String> r, String option) {
        return !ConfigValues.unquote(r.get(option)).isEmpty();
    }

    private static void together(Map<String, String> r, String a, String b, String why) throws ConfigException {
        if (set(r, a) != set(r, b)) {
            String missing = set(r, a) ? b : a;
            String given = set(r, a) ? a : b;
            throw new ConfigException("invalid value for " + given + ": " + why + " " + a + " and " + b + "; " + missing + " is not set");
        }
    }

    private static FleetConfig build(Map<String, String> r) throws ConfigException {
        List<String> etcd = ConfigValues.list("etcd_servers", r.get("etcd_servers"));
        if (etcd.isEmpty()) throw new ConfigException("invalid value for etcd_servers: at least one etcd URL is required");
        for (String u : etcd) {
            if (!u.matches("https?://[^/\\s]+/?")) {
                throw new ConfigException("invalid value for etcd_servers: \"" + u + "\" is not an http(s)://host:port URL");
            }
        }
        String prefix = ConfigValues.unquote(r.get("etcd_key_prefix"));
        if (!prefix.startsWith("/")) throw new ConfigException("invalid value for etcd_key_prefix: \"" + prefix + "\" must start with /");
        if (!prefix.endsWith("/")) prefix = prefix + "/";
        String ip = ConfigValues.unquote(r.get("public_ip"));
        if (!ip.isEmpty() && !ip.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
            throw new ConfigException("invalid value for public_ip: \"" + ip + "\" is not an IP address");
        }
        List<String> listen = ConfigValues.list("listen", r.get("listen"));
        for (String l : listen) {
            if (l.startsWith("unix://")) {
                throw new ConfigException("invalid value for listen: \"" + l + "\": the unix socket is set with api_socket; listen takes http://host:port or https://host:port");
            }
            if (!l.matches("https?://.+")) {
                throw new ConfigException("invalid value for listen: \"" + l + "\" must be http://host:port or https://host:port");
            }
        }
        var agentTtl = ConfigValues.goDuration("agent_ttl", r.get("agent_ttl"));
        if (agentTtl.toMillis() < 1000) throw new ConfigException("invalid value for agent_ttl: " + r.get("agent_ttl") + " is shorter than 1s");
        String stop = ConfigValues.unquote(r.get("stop_on_disconnect_after"));
        checkFilesAndPairs(r, listen);
        AccessConfig access = access(r);
        return new FleetConfig(
                etcd,
                prefix,
                ConfigValues.seconds("etcd_request_timeout", r.get("etcd_request_timeout")),
                ConfigValues.optionalPath(r.get("etcd_cafile")),
                ConfigValues.optionalPath(r.get("etcd_certfile")),
                ConfigValues.optionalPath(r.get("etcd_keyfile")),
                ConfigValues.optionalString(r.get("etcd_username")),
                ConfigValues.optionalString(r.get("etcd_password")),
                ip,
                ConfigValues.metadata("metadata", r.get("metadata")),
                agentTtl,
                ConfigValues.seconds("engine_reconcile_interval", r.get("engine_reconcile_interval")),
                Path.of(ConfigValues.unquote(r.get("units_directory"))),
                ConfigValues.bool("systemd_user", r.get("systemd_user")),
                ConfigValues.bool("disable_engine", r.get("disable_engine")),
                ConfigValues.integer("token_limit", r.get("token_limit"), 1, 10_000),
                ConfigValues.integer("verbosity", r.get("verbosity"), 0, 2),
                Path.of(ConfigValues.unquote(r.get("api_socket"))),
                ConfigValues.optionalString(r.get("api_socket_group")),
                listen,
                ConfigValues.optionalPath(r.get("listen_certfile")),
                ConfigValues.optionalPath(r.get("listen_keyfile")),
                ConfigValues.optionalPath(r.get("listen_cafile")),
                stop.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(ConfigValues.goDuration("stop_on_disconnect_after", stop)),
                Path.of(ConfigValues.unquote(r.get("machine_id_file"))),
                ConfigValues.optionalString(r.get("dbus_address")),
                PlacementConfig.parse(ConfigValues.unquote(r.get("capacity_cpu")), ConfigValues.unquote(r.get("capacity_memory")),
                        ConfigValues.unquote(r.get("reserved_cpu")), ConfigValues.unquote(r.get("reserved_memory")),
                        ConfigValues.unquote(r.get("placement_ranking")), r.get("drain_batch_size")),
                access);
    }
}

package org.fleetj.fleetctl;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.fleetj.api.ApiMachine;
import org.fleetj.fleetctl.client.FleetClient;

/**
 * What a command runs with: the global options, the streams, the environment, and the cluster client
 * (created on first use, so commands such as {@code version} never connect). One per fleetctl invocation.
 */
public final class Session implements AutoCloseable {
    private final GlobalOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;
    private final Map<String, String> env;
    private final ClientFactory clientFactory;
    private final Map<Class<?>, AutoCloseable> extensions = new LinkedHashMap<>();
    private FleetClient client;
    private Map<String, ApiMachine> machines;

    public Session(GlobalOptions options, InputStream in, PrintStream out, PrintStream err, ClientFactory clientFactory) {
        this(options, Map.of(), in, out, err, clientFactory);
    }

    public Session(GlobalOptions options, Map<String, String> env, InputStream in, PrintStream out, PrintStream err,
                   ClientFactory clientFactory) {
        this.options = options;
        this.env = Map.copyOf(env);
        this.in = in;
        this.out = out;
        this.err = err;
        this.clientFactory = clientFactory;
    }

    public GlobalOptions options() {
        return options;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    public InputStream in() {
        return in;
    }

    /** The environment fleetctl was started with (e.g. {@code SSH_AUTH_SOCK}); empty values count as unset. */
    public String env(String name) {
        String value = env.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    /**
     * A per-invocation helper of type {@code type} (e.g. the SSH connections), made on first use and closed
     * with the session. Lets optional parts keep state here without this class naming them.
     */
    public synchronized <T extends AutoCloseable> T extension(Class<T> type, Function<Session, T> make) {
        AutoCloseable existing = extensions.get(type);
        if (existing != null) return type.cast(existing);
        T made = make.apply(this);
        extensions.put(type, made);
        return made;
    }

    /**
     * The cluster client for {@code --driver}/{@code --endpoint}.
     *
     * @throws ClientInitException when the flags do not make a client ("Unable to initialize client: ...")
     */
    public FleetClient client() {
        if (client == null) client = clientFactory.create(this);
        return client;
    }

    /** Live machines by id, fetched once per invocation (fleet's cachedMachineState). */
    public Map<String, ApiMachine> machines() {
        if (machines == null) {
            Map<String, ApiMachine> byId = new LinkedHashMap<>();
            List<ApiMachine> list = client().machines();
            for (ApiMachine m : list) byId.put(m.id(), m);
            machines = byId;
        }
        return machines;
    }

    /** Forgets the machine cache (after waiting, machines may have joined). */
    public void refreshMachines() {
        machines = null;
    }

    /** A debug line on stderr when {@code --debug} is set. */
    public void debug(String message) {
        if (options.debug()) err.println(LocalTime.now() + " DEBUG " + message);
    }

    @Override
    public void close() {
        try {
            if (client != null) client.close();
        } finally {
            closeExtensions();
        }
    }

    private synchronized void closeExtensions() {
        List<AutoCloseable> all = new ArrayList<>(extensions.values());
        extensions.clear();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                all.get(i).close();
            } catch (Exception e) {
                debug("closing " + all.get(i) + ": " + e);
            }
        }
    }
}

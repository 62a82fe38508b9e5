package org.fleetj.fleetctl;

import java.util.Iterator;
import java.util.ServiceLoader;
import org.fleetj.fleetctl.client.api.Connector;
import org.fleetj.fleetctl.command.GlobalUnitRestart;

/**
 * Where the SSH parts plug into the rest of fleetctl: the {@code --tunnel} connector for the API
 * driver and the remote {@code systemctl restart} of global units. Implementations live in
 * {@code org.fleetj.fleetctl.ssh} and register as services ({@code META-INF/services/<interface>}),
 * looked up only when a tunnel or a global restart is actually needed, so plain runs load nothing of SSH.
 */
public final class SshHooks {
    private SshHooks() {
    }

    /** A connector that reaches the API endpoint through {@code --tunnel}. */
    public static Connector tunnelConnector(Session session) {
        return load(TunnelConnectorFactory.class, "--tunnel").create(session);
    }

    /**
     * A loopback address whose connections reach {@code host:port} as the {@code --tunnel} bastion sees it (for the
     * etcd driver, whose gRPC channel opens its own connections).
     */
    public static java.net.InetSocketAddress tunnelForward(Session session, String host, int port) {
        return load(LocalForwarder.class, "--tunnel").forward(session, host, port);
    }

    public static GlobalUnitRestart globalUnitRestart() {
        return load(GlobalUnitRestart.class, "restarting a global unit");
    }

    /** Makes the {@code --tunnel} connector; registered by the SSH package. */
    public interface TunnelConnectorFactory {
        Connector create(Session session);
    }

    /** Forwards loopback connections through the bastion; registered by the SSH package. */
    public interface LocalForwarder {
        java.net.InetSocketAddress forward(Session session, String host, int port);
    }

    private static <T> T load(Class<T> type, String feature) {
        Iterator<T> it = ServiceLoader.load(type, SshHooks.class.getClassLoader()).iterator();
        if (!it.hasNext()) {
            throw new IllegalStateException(feature + " needs SSH support (" + type.getName()
                    + "), which is missing from this fleetctl's class path");
        }
        return it.next();
    }
}

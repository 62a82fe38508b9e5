package org.fleetj.fleetd.daemon;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Finds the address to announce when {@code public_ip} is not set, as fleet did from the routing table: the
 * local address this machine uses to reach etcd (which is how other machines and fleetctl see it too), else
 * the first up, non-loopback IPv4 address.
 */
final class PublicIpDetector {
    private PublicIpDetector() {
    }

    static Optional<String> detect(List<String> etcdServers) {
        for (String server : etcdServers) {
            Optional<String> ip = routeTowards(server);
            if (ip.isPresent()) return ip;
        }
        return firstInterfaceAddress();
    }

    /** The source address the kernel picks for packets to the server's host (a UDP "connect" sends nothing). */
    private static Optional<String> routeTowards(String server) {
        try {
            URI uri = URI.create(server.trim());
            if (uri.getHost() == null) return Optional.empty();
            InetAddress target = InetAddress.getByName(uri.getHost());
            if (target.isLoopbackAddress()) return Optional.empty();
            try (DatagramSocket s = new DatagramSocket()) {
                s.connect(new InetSocketAddress(target, uri.getPort() > 0 ? uri.getPort() : 2379));
                InetAddress local = s.getLocalAddress();
                if (local == null || local.isAnyLocalAddress() || local.isLoopbackAddress()) return Optional.empty();
                return Optional.of(local.getHostAddress());
            }
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> firstInterfaceAddress() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) continue;
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLinkLocalAddress() && !a.isLoopbackAddress()) {
                        return Optional.of(a.getHostAddress());
                    }
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}

package org.fleetj.fleetd.api;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.util.Map;
import java.util.Optional;

/**
 * Listening sockets handed over by systemd (socket activation).
 *
 * <p>What Java can take over: only the socket the JVM received as standard input
 * ({@link System#inheritedChannel()}), i.e. a socket unit with a single {@code ListenStream=} and
 * {@code StandardInput=socket} in fleet.service. sd_listen_fds' fds 3.. ({@code LISTEN_FDS}) cannot be
 * adopted by the JVM without native code; {@link ApiServer} refuses to start when they are passed
 * without the standard-input socket, rather than silently listening elsewhere.
 *
 * @param listenFds how many sockets {@code LISTEN_FDS} announced for this process (0 when none or meant for another pid)
 * @param inherited the listening socket on standard input, if there is one
 */
public record SocketActivation(int listenFds, Optional<ServerSocketChannel> inherited) {

    public static SocketActivation none() {
        return new SocketActivation(0, Optional.empty());
    }

    /** Reads {@code LISTEN_PID}/{@code LISTEN_FDS} and the JVM's inherited channel. */
    public static SocketActivation fromEnvironment() {
        return from(System.getenv(), ProcessHandle.current().pid(), inheritedChannel());
    }

    static SocketActivation from(Map<String, String> env, long pid, Optional<Channel> inheritedChannel) {
        int fds = 0;
        String listenPid = env.get("LISTEN_PID");
        String listenFds = env.get("LISTEN_FDS");
        if (listenFds != null && (listenPid == null || listenPid.trim().equals(Long.toString(pid)))) {
            try {
                fds = Math.max(0, Integer.parseInt(listenFds.trim()));
            } catch (NumberFormatException e) {
                fds = 0;
            }
        }
        Optional<ServerSocketChannel> server = inheritedChannel
                .filter(ServerSocketChannel.class::isInstance).map(ServerSocketChannel.class::cast);
        return new SocketActivation(fds, server);
    }

    private static Optional<Channel> inheritedChannel() {
        try {
            return Optional.ofNullable(System.inheritedChannel());
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }
}

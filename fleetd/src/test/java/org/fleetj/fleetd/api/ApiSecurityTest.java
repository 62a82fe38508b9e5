package org.fleetj.fleetd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.fleetj.fleetd.config.ConfigLoader;
import org.fleetj.fleetd.config.FleetConfig;
import org.fleetj.fleetd.daemon.FleetDaemon;
import org.fleetj.fleetd.metrics.FleetMetrics;
import org.fleetj.registry.memory.InMemoryRegistry;
import org.junit.jupiter.api.Test;

/**
 * Who can reach the API: the unix socket is mode 0660 and, with api_socket_group, owned by that group; without a
 * {@code listen} option fleetd opens no TCP port at all (the HTTPS listener with client certificates is tested in
 * fleetctl's TlsEndpointTest, from the client's side).
 */
class ApiSecurityTest {
    @Test
    void theSocketIsMode0660AndOwnedByTheConfiguredGroup() throws Exception {
        try (ApiFixture api = new ApiFixture(b -> b.socketGroup("daemon").listen(List.of()))) {
            Path socket = api.server.unixSocket().orElseThrow();
            PosixFileAttributes a = Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            assertEquals("rw-rw----", PosixFilePermissions.toString(a.permissions()));
            assertEquals("daemon", a.group().getName());
            assertEquals(200, api.unix().get("/fleet/v1/machines").status(), "the socket serves the API");
        }
    }

    @Test
    void withoutAGroupTheSocketIsStill0660() throws Exception {
        try (ApiFixture api = new ApiFixture(b -> b.listen(List.of()))) {
            Path socket = api.server.unixSocket().orElseThrow();
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)));
        }
    }

    @Test
    void aMissingGroupIsRefusedAtStart() {
        ApiServerException e = assertThrows(ApiServerException.class, () -> new ApiFixture(b -> b.socketGroup("no-such-group-fleetj")).close());
        assertTrue(e.getMessage().contains("no-such-group-fleetj"), e.getMessage());
    }

    @Test
    void noTcpListenerUnlessConfigured() throws Exception {
        FleetConfig defaults = new ConfigLoader().load(List.of(), Map.of());
        assertEquals(List.of(), defaults.listen(), "listen is empty by default");
        try (ScratchDir dir = new ScratchDir()) {
            ApiConfig config = ApiConfig.builder("test").socketPath(dir.resolve("fleet.sock")).listen(defaults.listen()).build();
            assertEquals(List.of(), FleetDaemon.apiConfig(defaults).listen());
            ApiServer server = new ApiServer(new InMemoryRegistry(), config, new FleetMetrics(), SocketActivation.none());
            try {
                server.start();
                assertEquals(List.of(), server.tcpEndpoints(), "no TCP port is opened");
                assertTrue(server.unixSocket().isPresent());
            } finally {
                server.close();
            }
        }
    }
}

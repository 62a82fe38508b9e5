package org.fleetj.fleetctl.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How --endpoint is read for the API driver. */
class EndpointTest {

    @Test
    void unixAndFileUrlsNameTheSocketPath() {
        assertEquals(new Endpoint("unix", "", -1, "/var/run/fleet.sock"), Endpoint.parse("unix:///var/run/fleet.sock"));
        assertEquals(new Endpoint("unix", "", -1, "/run/f.sock"), Endpoint.parse("file:///run/f.sock"));
        assertEquals("http://domain-sock", Endpoint.parse("unix:///var/run/fleet.sock").baseUrl());
        assertEquals("domain-sock", Endpoint.parse("unix:///var/run/fleet.sock").hostHeader());
    }

    @Test
    void tcpUrlsWithDefaultPortsAndIpv6() {
        assertEquals(new Endpoint("http", "10.0.0.1", 49153, ""), Endpoint.parse("http://10.0.0.1:49153"));
        assertEquals(80, Endpoint.parse("http://fleet.example").port());
        assertEquals(443, Endpoint.parse("https://fleet.example/").port());
        Endpoint v6 = Endpoint.parse("http://[::1]:49153");
        assertEquals("::1", v6.host());
        assertEquals("[::1]:49153", v6.hostPort());
        assertEquals("http://[::1]:49153", v6.baseUrl());
        assertEquals("HTTP", Endpoint.parse("HTTP://h:1").scheme().toUpperCase());
    }

    @Test
    void badUrlsGiveFleetsMessages() {
        assertEquals("URL scheme undefined", assertThrows(FleetClientException.class, () -> Endpoint.parse("/var/run/fleet.sock")).getMessage());
        assertEquals("URL scheme undefined", assertThrows(FleetClientException.class, () -> Endpoint.parse("")).getMessage());
        assertEquals("unable to connect to host \"var\" with scheme \"unix\"",
                assertThrows(FleetClientException.class, () -> Endpoint.parse("unix://var/run/fleet.sock")).getMessage());
        assertEquals("no socket path in endpoint unix://", assertThrows(FleetClientException.class, () -> Endpoint.parse("unix://")).getMessage());
        assertEquals("no host in endpoint http://:80", assertThrows(FleetClientException.class, () -> Endpoint.parse("http://:80")).getMessage());
    }

    @Test
    void onlyTheFirstOfSeveralEndpointsIsUsed() {
        List<String> warnings = new ArrayList<>();
        assertEquals(Endpoint.parse("http://a:1"), Endpoint.parseForApi("http://a:1,http://b:2", warnings::add));
        assertEquals(List.of("multiple endpoints provided but only the first (http://a:1) is used"), warnings);
        assertEquals(Endpoint.parse("http://a:1"), Endpoint.parseForApi("http://a:1", warnings::add));
        assertEquals(1, warnings.size());
    }
}

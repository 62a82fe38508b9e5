package org.fleetj.registry.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** EtcdConfig: defaults, normalisation, and refusals that name the bad setting. */
class EtcdConfigTest {

    @Test
    void defaultsAndNormalisation() {
        EtcdConfig c = EtcdConfig.builder().endpoints("http://10.0.0.1:2379, http://10.0.0.2:2379").keyPrefix("custom").build();
        assertEquals(2, c.endpoints().size());
        assertEquals("/custom/", c.keyPrefix());
        assertEquals(Duration.ofSeconds(3), c.requestTimeout());
        assertEquals("/fleet/", EtcdConfig.builder().endpoints(List.of("https://h:2379")).build().keyPrefix());
    }

    @Test
    void badValuesAreRefusedNamingThem() {
        assertMessage("endpoints", () -> EtcdConfig.builder().build());
        assertMessage("unix:///var/run/fleet.sock", () -> EtcdConfig.builder().endpoints("unix:///var/run/fleet.sock").build());
        assertMessage("port", () -> EtcdConfig.builder().endpoints("http://127.0.0.1").build());
        assertMessage("timeout", () -> EtcdConfig.builder().endpoints("http://127.0.0.1:2379").requestTimeout(Duration.ZERO).build());
        assertMessage("/no/such/ca.pem", () -> EtcdConfig.builder().endpoints("http://127.0.0.1:2379").caFile(Path.of("/no/such/ca.pem")).build());
        assertMessage("password", () -> EtcdConfig.builder().endpoints("http://127.0.0.1:2379").password("x").build());
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}

package org.fleetj.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.fleetj.unit.MetadataRequirement;
import org.junit.jupiter.api.Test;

class MetadataFilterTest {

    private static MetadataRequirement is(String key, String value) {
        return new MetadataRequirement(key, value, false);
    }

    private static MetadataRequirement isNot(String key, String value) {
        return new MetadataRequirement(key, value, true);
    }

    @Test
    void noRequirementsPassEveryMachine() {
        MetadataFilter none = MetadataFilter.of(List.of());
        assertSame(MetadataFilter.NONE, none);
        assertTrue(none.isEmpty());
        assertTrue(none.passes(Map.of()));
        assertTrue(none.passes(Map.of("role", "db")));
        assertNull(none.mismatch(Map.of("role", "db")));
    }

    @Test
    void orWithinAKeyAndAcrossKeys() {
        MetadataFilter f = MetadataFilter.of(List.of(is("region", "eu"), is("region", "us"), is("disk", "ssd")));
        assertTrue(f.passes(Map.of("region", "us", "disk", "ssd")));
        assertTrue(f.passes(Map.of("region", "eu", "disk", "ssd", "role", "web")));
        assertFalse(f.passes(Map.of("region", "ap", "disk", "ssd")));
        assertFalse(f.passes(Map.of("region", "eu", "disk", "hdd")));
        assertFalse(f.passes(Map.of("region", "eu")));
        assertEquals("MachineMetadata region=eu|us not met (machine has region=ap)", f.mismatch(Map.of("region", "ap", "disk", "ssd")));
        assertEquals("MachineMetadata disk=ssd not met (machine has no disk)", f.mismatch(Map.of("region", "eu")));
        assertEquals("region=eu|us, disk=ssd", f.description());
    }

    @Test
    void negationExcludesTheValueAndPassesMachinesWithoutTheKey() {
        MetadataFilter f = MetadataFilter.of(List.of(isNot("role", "db"), isNot("role", "cache")));
        assertTrue(f.passes(Map.of()));
        assertTrue(f.passes(Map.of("role", "web")));
        assertFalse(f.passes(Map.of("role", "cache")));
        assertEquals("MachineMetadata role!=cache not met (machine has role=cache)", f.mismatch(Map.of("role", "cache")));
        assertEquals("role!=db, role!=cache", f.description());
    }

    @Test
    void passesAndMismatchAlwaysAgree() {
        MetadataFilter f = MetadataFilter.of(List.of(is("role", "db"), is("role", "web"), isNot("region", "ap"), is("disk", "ssd")));
        List<Map<String, String>> machines = List.of(Map.of(), Map.of("role", "db"), Map.of("role", "db", "disk", "ssd"),
                Map.of("role", "web", "disk", "ssd", "region", "ap"), Map.of("role", "web", "disk", "ssd", "region", "eu"),
                Map.of("role", "cache", "disk", "ssd"));
        for (Map<String, String> md : machines) {
            assertEquals(f.passes(md), f.mismatch(md) == null, md::toString);
        }
    }

    @Test
    void equalWhenTheyAcceptTheSameMachinesWhateverTheOrder() {
        MetadataFilter a = MetadataFilter.of(List.of(is("role", "db"), is("role", "web"), is("disk", "ssd"), isNot("region", "ap")));
        MetadataFilter b = MetadataFilter.of(List.of(isNot("region", "ap"), is("disk", "ssd"), is("role", "web"), is("role", "db")));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, MetadataFilter.of(List.of(is("role", "db"), is("disk", "ssd"), isNot("region", "ap"))));
        assertNotEquals(MetadataFilter.of(List.of(is("role", "db"))), MetadataFilter.of(List.of(isNot("role", "db"))));
    }
}

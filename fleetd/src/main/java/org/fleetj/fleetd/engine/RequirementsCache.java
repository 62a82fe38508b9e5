package org.fleetj.fleetd.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitParseException;
import org.fleetj.unit.XFleet;

/**
 * Parsed [X-Fleet] requirements by (unit name, unit hash). Unit files are immutable by hash and the
 * specifiers depend only on the name, so one parse per unit version is enough; a 10,000-unit pass then
 * costs map lookups, not parses.
 */
final class RequirementsCache {
    private record Key(String name, String hash) {
    }

    private final Map<Key, XFleet> cache = new ConcurrentHashMap<>();

    XFleet requirements(String name, UnitFile unit) throws UnitParseException {
        Key key = new Key(name, unit.hash().hex());
        XFleet x = cache.get(key);
        if (x == null) {
            x = XFleet.from(unit, name);
            cache.put(key, x);
        }
        return x;
    }

    /** Drops entries of units that no longer exist, so the cache cannot grow without bound. */
    void retainOnly(java.util.Set<String> names) {
        cache.keySet().removeIf(k -> !names.contains(k.name()));
    }
}

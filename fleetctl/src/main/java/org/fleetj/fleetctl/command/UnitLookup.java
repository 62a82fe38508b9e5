package org.fleetj.fleetctl.command;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetj.api.ApiUnit;
import org.fleetj.fleetctl.client.FleetClient;
import org.fleetj.fleetctl.client.FleetClientException;
import org.fleetj.unit.UnitName;

/** Finding the registered units that command-line arguments name. */
final class UnitLookup {
    private UnitLookup() {
    }

    /** The argument as a unit name: fleet's mangling (path base, {@code .service} appended if untyped). */
    static String name(String arg) {
        return UnitName.mangle(arg);
    }

    /** The registered units among {@code args}, in argument order; unknown names are skipped, as in fleet. */
    static List<ApiUnit> find(FleetClient client, List<String> args) {
        Map<String, ApiUnit> byName = new HashMap<>();
        if (args.size() > 3) {
            for (ApiUnit u : client.units()) byName.put(u.name(), u);
        } else {
            for (String arg : args) client.unit(name(arg)).ifPresent(u -> byName.put(u.name(), u));
        }
        List<ApiUnit> found = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String arg : args) {
            String name = name(arg);
            ApiUnit unit = byName.get(name);
            if (unit != null && !seen.contains(name)) {
                found.add(unit);
                seen.add(name);
            }
        }
        return found;
    }

    /**
     * {@link #find}, where a unit whose record cannot be read (beyond fleet: the server reports it as unreadable) is
     * found too, as a unit with nothing but its name, so that it can be destroyed: the one repair fleet offers for it.
     */
    static List<ApiUnit> findIncludingBroken(FleetClient client, List<String> args) {
        try {
            return find(client, args);
        } catch (FleetClientException e) {
            BrokenRecords broken = new BrokenRecords("unit");
            Map<String, ApiUnit> byName = new HashMap<>();
            try {
                for (ApiUnit u : client.units(broken)) byName.put(u.name(), u);
            } catch (FleetClientException listing) {
                throw e; // the cluster cannot be asked at all: the first error says so
            }
            for (var r : broken.seen()) byName.putIfAbsent(r.name(), new ApiUnit(r.name(), List.of(), null, "broken", null));
            List<ApiUnit> found = new ArrayList<>();
            for (String arg : args) {
                ApiUnit unit = byName.get(name(arg));
                if (unit != null && !found.contains(unit)) found.add(unit);
            }
            if (found.stream().noneMatch(u -> "broken".equals(u.currentState()))) throw e;
            return found;
        }
    }

    /**
     * The registered unit {@code name}, if any.
     *
     * @throws CommandFailedException naming the unit when the cluster cannot be asked
     */
    static Optional<ApiUnit> unit(FleetClient client, String name) {
        try {
            return client.unit(name);
        } catch (FleetClientException e) {
            throw new CommandFailedException("error retrieving Unit(" + name + ") from Registry: " + e.getMessage(), e);
        }
    }

    /** fleet's list form in messages: {@code [a b]}. */
    static String goList(List<String> names) {
        return "[" + String.join(" ", names) + "]";
    }
}

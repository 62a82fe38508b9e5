package org.fleetj.fleetctl.command;

import java.util.ArrayList;
import java.util.Collection;
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

    /**
     * For more than this many units a command reads every unit in one listing instead of one request per unit
     * (fleet's own threshold for its lookups).
     */
    static final int ONE_BY_ONE_MAX = 3;

    /**
     * The registered units among {@code names}, by name: one listing of all units for more than
     * {@link #ONE_BY_ONE_MAX} names, else one request per name.
     */
    static Map<String, ApiUnit> registered(FleetClient client, Collection<String> names) {
        Map<String, ApiUnit> byName = new HashMap<>();
        if (names.size() > ONE_BY_ONE_MAX) {
            for (ApiUnit u : client.units()) byName.put(u.name(), u);
        } else {
            for (String name : names) client.unit(name).ifPresent(u -> byName.put(u.name(), u));
        }
        return byName;
    }

    /**
     * As {@link #registered}, with the failure worded as fleet words a failed lookup of the first unit.
     *
     * @throws CommandFailedException naming the unit when the cluster cannot be asked
     */
    static Map<String, ApiUnit> registeredOrFail(FleetClient client, List<String> names) {
        try {
            return registered(client, names);
        } catch (FleetClientException e) {
            throw new CommandFailedException("error retrieving Unit(" + (names.isEmpty() ? "" : names.get(0)) + ") from Registry: "
                    + e.getMessage(), e);
        }
    }

    /** The registered units among {@code args}, in argument order; unknown names are skipped, as in fleet. */
    static List<ApiUnit> find(FleetClient client, List<String> args) {
        Map<String, ApiUnit> byName = registered(client, args.stream().map(UnitLookup::name).toList());
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
     * {@code units} when it names at least one unit.
     *
     * @throws CommandFailedException with fleet's "Units not found in registry" when it is empty
     */
    static List<ApiUnit> requireFound(List<ApiUnit> units) {
        if (units.isEmpty()) throw new CommandFailedException("Units not found in registry");
        return units;
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

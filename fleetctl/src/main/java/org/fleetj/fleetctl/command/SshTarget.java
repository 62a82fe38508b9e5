package org.fleetj.fleetctl.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.fleetj.api.ApiMachine;
import org.fleetj.api.ApiUnit;
import org.fleetj.fleetctl.client.UnitOptions;

/**
 * Which machine {@code fleetctl ssh} goes to: a machine id (by prefix) or a unit (its machine), named by
 * {@code --machine}, {@code --unit} or the first argument, which may be either (then it must not be both).
 * Failures carry fleet's wording, printed after "Unable to proceed: ".
 *
 * @param machine  the machine to connect to
 * @param command  the words after the machine or unit: the remote command (empty: interactive shell)
 */
record SshTarget(ApiMachine machine, List<String> command) {

    static SshTarget resolve(String machineFlag, String unitFlag, List<String> args, Map<String, ApiMachine> machines,
                             Function<String, Optional<ApiUnit>> units) {
        SshTarget t = find(machineFlag, unitFlag, args, machines, units);
        // `ssh m1 -- cmd`: the words after the target reach us with the "--" that ends fleetctl's options
        List<String> command = t.command();
        if (!command.isEmpty() && command.get(0).equals("--")) command = command.subList(1, command.size());
        return new SshTarget(t.machine(), List.copyOf(command));
    }

    private static SshTarget find(String machineFlag, String unitFlag, List<String> args, Map<String, ApiMachine> machines,
                                  Function<String, Optional<ApiUnit>> units) {
        boolean byMachine = machineFlag != null && !machineFlag.isEmpty();
        boolean byUnit = unitFlag != null && !unitFlag.isEmpty();
        if (byMachine && byUnit) {
            throw new CommandFailedException("Both machine and unit flags provided, please specify only one.");
        }
        if (byMachine) return new SshTarget(machineByPrefix(machineFlag, machines).orElseThrow(), args);
        if (byUnit) return new SshTarget(machineOfUnit(unitFlag, machines, units).orElseThrow(), args);
        if (!args.isEmpty() && args.get(0).equals("--")) args = args.subList(1, args.size());
        if (args.isEmpty()) throw proceed("one machine or unit must be provided");
        String lookup = args.get(0);
        List<String> rest = args.subList(1, args.size());
        Lookup machine = attempt(() -> machineByPrefix(lookup, machines));
        Lookup unit = attempt(() -> machineOfUnit(lookup, machines, units));
        if (machine.found() != null && unit.found() != null) {
            throw proceed("ambiguous argument, both machine and unit found for `" + lookup + "`.\n"
                    + "Please use flag `-m` or `-u` to refine the search");
        }
        if (machine.found() != null) return new SshTarget(machine.found(), rest);
        if (unit.found() != null) return new SshTarget(unit.found(), rest);
        // an argument that names something, but not usably, says so rather than "nothing found"
        if (machine.failure() != null && !machine.failure().getMessage().endsWith("machine does not exist")) throw machine.failure();
        if (unit.failure() != null && !unit.failure().getMessage().endsWith("unit does not exist")) throw unit.failure();
        throw proceed("could not find matching unit or machine");
    }

    /** The one live machine whose id starts with {@code prefix}. */
    static Optional<ApiMachine> machineByPrefix(String prefix, Map<String, ApiMachine> machines) {
        List<ApiMachine> matches = new ArrayList<>();
        for (ApiMachine m : machines.values()) if (m.id().startsWith(prefix)) matches.add(m);
        if (matches.size() > 1) throw proceed("found more than one machine");
        if (matches.isEmpty()) throw proceed("machine does not exist");
        return Optional.of(matches.get(0));
    }

    /** The machine a (non-global) unit is scheduled to. */
    static Optional<ApiMachine> machineOfUnit(String arg, Map<String, ApiMachine> machines, Function<String, Optional<ApiUnit>> units) {
        String name = UnitLookup.name(arg);
        ApiUnit unit = units.apply(name).orElseThrow(() -> proceed("unit does not exist"));
        if (UnitOptions.isGlobal(unit)) throw proceed("global units unsupported");
        String machineId = unit.machineID();
        if (machineId == null || machineId.isEmpty()) throw proceed("unit " + name + " is not scheduled to any machine");
        ApiMachine machine = machines.get(machineId);
        if (machine == null) throw proceed("unit " + name + " is scheduled to machine " + machineId + ", which is not in the cluster");
        return Optional.of(machine);
    }

    private static CommandFailedException proceed(String reason) {
        return new CommandFailedException("Unable to proceed: " + reason);
    }

    private record Lookup(ApiMachine found, CommandFailedException failure) {
    }

    private static Lookup attempt(java.util.function.Supplier<Optional<ApiMachine>> lookup) {
        try {
            return new Lookup(lookup.get().orElseThrow(), null);
        } catch (CommandFailedException e) {
            return new Lookup(null, e);
        }
    }
}

package org.fleetj.fleetctl.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.fleetj.api.ApiUnit;
import org.fleetj.fleetctl.Session;
import org.fleetj.fleetctl.client.FleetClient;
import org.fleetj.fleetctl.client.UnitOptions;
import org.fleetj.unit.InvalidUnitNameException;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitName;
import org.fleetj.unit.UnitParseException;
import org.fleetj.unit.XFleetParser;

/**
 * fleet's "lazy create" step of submit, load and start: each named unit missing from the registry is
 * created (desired state inactive) from a local file or template and reported as {@code Unit X inactive};
 * a registered unit is left alone (with a warning if the local file differs), or replaced with
 * {@code --replace} when its desired state allows it for the command.
 */
final class UnitCreator {
    /** For each command, the desired states in which {@code --replace} may replace a unit. */
    static Set<String> replaceableStates(String command) {
        return switch (command) {
            case "submit" -> Set.of("inactive");
            case "load" -> Set.of("inactive", "loaded");
            case "start" -> Set.of("inactive", "loaded", "launched");
            default -> throw new IllegalArgumentException("--replace is only allowed with submit, load and start, not " + command);
        };
    }

    private final Session session;
    private final String command;

    UnitCreator(Session session, String command) {
        this.session = session;
        this.command = command;
    }

    /**
     * Creates or replaces the units as needed and waits until created ones are visible as inactive.
     *
     * @param attempts the user's bound on waiting ({@link BlockOptions#attempts()}: -1 --no-block, 0 no limit, N
     *                 attempts); with --no-block the created units are looked at once, without waiting
     * @return the names of units that were replaced (their new content must be waited for like a change)
     * @throws CommandFailedException "Error creating units: ..." on the first failure
     */
    List<String> createMissing(List<String> args, boolean replace, int attempts) {
        try {
            return create(args, replace, attempts);
        } catch (CommandFailedException e) {
            throw new CommandFailedException("Error creating units: " + e.getMessage(), e);
        }
    }

    private List<String> create(List<String> args, boolean replace, int attempts) {
        FleetClient client = session.client();
        List<String> created = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        // what the registry holds, read once for many units; the units this command writes join it as they are
        // decided, so a later argument (an instance of a template submitted just before) sees them as fleet did
        List<String> names = validNames(args);
        Map<String, ApiUnit> registered = UnitLookup.registeredOrFail(client, names);
        // a template missing from the answer: absent when it was a listing of every unit, else asked for
        boolean everyUnit = names.size() > UnitLookup.ONE_BY_ONE_MAX;
        Function<String, Optional<ApiUnit>> lookup = n -> registered.containsKey(n) || everyUnit
                ? Optional.ofNullable(registered.get(n)) : UnitLookup.unit(client, n);
        PendingWrites writes = new PendingWrites();
        try {
            for (String arg : args) {
                String name = UnitLookup.name(arg);
                requireValidName(name);
                if (writes.names.contains(name)) writes.flush(); // the same unit twice: the first write lands first
                ApiUnit unit = registered.get(name);
                if (unit != null) {
                    if (!replace) {
                        warnIfLocalDiffers(arg, unit);
                        continue;
                    }
                    UnitFile wanted = UnitSource.resolve(lookup, arg);
                    if (wanted.hash().equals(UnitOptions.toUnitFile(unit.options()).hash())) {
                        session.out().println("Found same Unit(" + name + ") in Registry, nothing to do");
                        continue;
                    }
                    if (!replaceableStates(command).contains(unit.desiredState())) {
                        session.err().println("Warning: can not replace Unit(" + name + ") in state '" + unit.desiredState()
                                + "', use the appropriate command");
                        continue;
                    }
                    validate(name, wanted);
                    ApiUnit replacement = new ApiUnit(name, UnitOptions.toApi(wanted), unit.desiredState(), null, null);
                    writes.add(name, () -> client.replaceUnit(replacement), "failed replacing unit ", "Replaced Unit(");
                    registered.put(name, replacement);
                    replaced.add(name);
                    continue;
                }
                UnitFile file = UnitSource.resolve(lookup, arg);
                validate(name, file);
                ApiUnit fresh = new ApiUnit(name, UnitOptions.toApi(file), "inactive", null, null);
                writes.add(name, () -> client.createUnit(fresh), "failed creating unit ", "Created Unit(");
                registered.put(name, fresh);
                created.add(name);
            }
        } catch (CommandFailedException e) {
            // fleet stopped at the first bad argument after creating the units before it: so do we
            writes.flush();
            throw e;
        }
        writes.flush();
        // fleet waits for created units to show as inactive whatever the blocking flags say, and hung when one was
        // destroyed meanwhile; we print the same lines but wait no longer than the user allows
        if (!created.isEmpty()) new StateWaiter(session).awaitState(created, "inactive", attempts < 0 ? StateWaiter.LOOK_ONCE : attempts);
        return replaced;
    }

    /** The distinct valid unit names among the arguments (an invalid one fails later, in its turn, as in fleet). */
    private static List<String> validNames(List<String> args) {
        Set<String> names = new java.util.LinkedHashSet<>();
        for (String arg : args) {
            String name = UnitLookup.name(arg);
            try {
                UnitName.of(name);
                names.add(name);
            } catch (InvalidUnitNameException e) {
                // reported when the loop reaches it
            }
        }
        return new ArrayList<>(names);
    }

    /** The writes decided so far, sent together ({@link ConcurrentRequests}) when the arguments are all judged. */
    private final class PendingWrites {
        final Set<String> names = new HashSet<>();
        final List<Runnable> writes = new ArrayList<>();
        final List<String> done = new ArrayList<>();

        /** {@code failing} and {@code done} begin fleet's messages: "failed creating unit X: ...", "Created Unit(X) in Registry". */
        void add(String name, Runnable write, String failing, String done) {
            names.add(name);
            writes.add(() -> {
                try {
                    write.run();
                } catch (RuntimeException e) {
                    throw new CommandFailedException(failing + name + ": " + e.getMessage(), e);
                }
            });
            this.done.add(done + name + ") in Registry");
        }

        void flush() {
            try {
                ConcurrentRequests.runAll(writes);
                done.forEach(session::debug);
            } finally {
                names.clear();
                writes.clear();
                done.clear();
            }
        }
    }

    private static void requireValidName(String name) {
        try {
            UnitName.of(name);
        } catch (InvalidUnitNameException e) {
            throw new CommandFailedException(e.getMessage(), e);
        }
    }

    /** fleet's client-side checks before creating: a valid name and valid [X-Fleet] requirements. */
    private void validate(String name, UnitFile file) {
        try {
            UnitName.of(name);
            XFleetParser.parse(file, name);
        } catch (UnitParseException e) {
            throw new CommandFailedException(e.getMessage(), e);
        }
        for (String warning : XFleetParser.warnings(file)) {
            session.err().println("WARNING: Unit " + name + ": " + warning);
        }
    }

    private void warnIfLocalDiffers(String arg, ApiUnit unit) {
        Optional<Path> local = UnitSource.localFileToCompare(arg);
        if (local.isEmpty()) return;
        Optional<UnitFile> file;
        try {
            file = UnitSource.readLocal(local.get());
        } catch (CommandFailedException e) {
            session.debug(e.getMessage());
            return;
        }
        if (file.isPresent() && !file.get().hash().equals(UnitOptions.toUnitFile(unit.options()).hash())) {
            boolean template = !local.get().equals(UnitSource.localPath(arg));
            session.err().println("WARNING: Unit " + unit.name() + " in registry differs from local " + (template ? "template " : "")
                    + "unit file " + arg + ". Add --replace to override.");
        }
    }
}

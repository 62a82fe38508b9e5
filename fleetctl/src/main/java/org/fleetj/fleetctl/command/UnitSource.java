package org.fleetj.fleetctl.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.fleetj.api.ApiUnit;
import org.fleetj.fleetctl.client.FleetClient;
import org.fleetj.fleetctl.client.UnitOptions;
import org.fleetj.unit.InvalidUnitNameException;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitName;
import org.fleetj.unit.UnitParseException;

/**
 * Where a unit's content comes from when fleetctl creates it, in fleet's order: the local file the
 * argument names; for an instance ({@code foo@1.service}) the template {@code foo@.service} in the
 * registry, then the template file next to where the instance file would be. An instance is a full
 * copy of its template's options.
 */
final class UnitSource {
    private static final String[] TYPED = {".service", ".socket", ".timer", ".path", ".device", ".mount", ".automount"};

    private UnitSource() {
    }

    /** The local path an argument names: the argument, with {@code .service} appended if it has no known type. */
    static Path localPath(String arg) {
        for (String suffix : TYPED) {
            if (arg.endsWith(suffix)) return Path.of(arg);
        }
        return Path.of(arg + ".service");
    }

    /** The local unit file at {@code path}, if the file exists. */
    static Optional<UnitFile> readLocal(Path path) {
        if (!Files.exists(path)) return Optional.empty();
        try {
            return Optional.of(UnitFile.parse(Files.readAllBytes(path)));
        } catch (IOException e) {
            throw new CommandFailedException("failed getting Unit(" + path + ") from file: " + e.getMessage(), e);
        } catch (UnitParseException e) {
            throw new CommandFailedException("failed getting Unit(" + path + ") from file: " + e.getMessage(), e);
        }
    }

    /**
     * The content for unit {@code arg} when it is not in the registry yet.
     *
     * @throws CommandFailedException with fleet's wording when nothing is found
     */
    static UnitFile resolve(FleetClient client, String arg) {
        return resolve(name -> UnitLookup.unit(client, name), arg);
    }

    /** As {@link #resolve(FleetClient, String)}, finding registered templates with {@code registered}. */
    static UnitFile resolve(Function<String, Optional<ApiUnit>> registered, String arg) {
        Path path = localPath(arg);
        Optional<UnitFile> local = readLocal(path);
        if (local.isPresent()) return local.get();
        String name = UnitLookup.name(arg);
        UnitName unitName;
        try {
            unitName = UnitName.of(name);
        } catch (InvalidUnitNameException e) {
            throw new CommandFailedException("error extracting information from unit name " + name + ": " + e.getMessage(), e);
        }
        if (!unitName.isInstance()) {
            throw new CommandFailedException("unable to find Unit(" + name + ") in Registry or on filesystem");
        }
        String template = unitName.templateName().orElseThrow().full();
        Optional<ApiUnit> registeredTemplate = registered.apply(template);
        if (registeredTemplate.isPresent()) return UnitOptions.toUnitFile(registeredTemplate.get().options());
        Path templatePath = path.resolveSibling(template);
        return readLocal(templatePath).orElseThrow(() -> new CommandFailedException("failed getting Unit(" + arg
                + ") from template: unable to find template Unit(" + template + ") in Registry or on filesystem"));
    }

    /**
     * The local file (or, for an instance, its local template) to compare a registered unit with; empty
     * when there is none.
     */
    static Optional<Path> localFileToCompare(String arg) {
        Path path = localPath(arg);
        if (Files.exists(path)) return Optional.of(path);
        try {
            UnitName name = UnitName.of(UnitLookup.name(arg));
            if (name.isInstance()) {
                Path template = path.resolveSibling(name.templateName().orElseThrow().full());
                if (Files.exists(template)) return Optional.of(template);
            }
        } catch (InvalidUnitNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}

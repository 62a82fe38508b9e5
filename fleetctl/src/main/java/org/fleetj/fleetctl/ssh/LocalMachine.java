package org.fleetj.fleetctl.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** This machine's identity: {@code /etc/machine-id}, the id fleetd registers it under. */
public final class LocalMachine {
    static final Path MACHINE_ID = Path.of("/etc/machine-id");

    private LocalMachine() {
    }

    public static Optional<String> id() {
        return id(MACHINE_ID);
    }

    static Optional<String> id(Path file) {
        try {
            String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return id.isEmpty() ? Optional.empty() : Optional.of(id);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code machineId} is this machine (then fleet runs commands here rather than over SSH). */
    public static boolean is(String machineId) {
        return machineId != null && !machineId.isEmpty() && id().map(machineId::equals).orElse(false);
    }
}

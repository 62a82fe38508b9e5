package org.fleetj.fleetd;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** This machine's identity: the id from /etc/machine-id (32 lowercase hex) and its hostname. */
public record MachineIdentity(String machineId, String hostname) {
    private static final Pattern MACHINE_ID = Pattern.compile("[0-9a-f]{32}");

    /** Reads and validates the machine id; the message says what is wrong with the file. */
    public static String readMachineId(Path file) throws IOException {
        String raw;
        try {
            raw = Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("machine id file " + file + " does not exist; fleetd identifies machines by it (systemd-machine-id-setup creates it)");
        }
        if (!MACHINE_ID.matcher(raw).matches()) {
            throw new IOException("machine id file " + file + " does not hold a machine id (32 lowercase hex characters): \"" + abbreviate(raw) + "\"");
        }
        return raw;
    }

    public static MachineIdentity load(Path machineIdFile) throws IOException {
        return new MachineIdentity(readMachineId(machineIdFile), readHostname());
    }

    static String readHostname() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).trim();
            if (!h.isEmpty()) return h;
        } catch (IOException e) {
            // not Linux: fall through
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}

package org.fleetj.fleetd.agent;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.fleetj.fleetd.systemd.SystemdException;
import org.fleetj.fleetd.systemd.SystemdManager;
import org.fleetj.fleetd.systemd.SystemdUnitStatus;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a fleetd restart: what this agent runs, rebuilt from its units directory and systemd without touching
 * any unit (restarting fleetd restarts nothing).
 */
final class LocalUnitRecovery {
    private static final Logger log = LoggerFactory.getLogger(LocalUnitRecovery.class);
    static final String UNREADABLE = "unreadable";

    private LocalUnitRecovery() {
    }

    static Map<String, LocalUnit> recover(SystemdManager systemd, Path unitsDirectory, UnitFileCache files,
                                          UnitStatePublisher publisher) {
        Map<String, LocalUnit> local = new TreeMap<>();
        Map<String, String> onDisk;
        try {
            onDisk = systemd.unitFilesOnDisk();
        } catch (SystemdException e) {
            log.warn("agent: cannot list {} ({}); units left by a previous run are recovered when scheduled here", unitsDirectory, e.getMessage());
            return local;
        }
        onDisk.forEach((name, text) -> {
            try {
                if (text == null) throw new UnitParseException("the file cannot be read as UTF-8 text");
                UnitFile f = UnitFile.parse(text);
                files.put(f);
                local.put(name, new LocalUnit(name, f.hash().hex(), TargetState.LOADED));
            } catch (UnitParseException e) {
                log.warn("agent: cannot read {} left by a previous run in {} ({}); it will be replaced if scheduled here",
                        name, unitsDirectory, e.getMessage());
                local.put(name, new LocalUnit(name, UNREADABLE, TargetState.LOADED));
            }
        });
        if (local.isEmpty()) return local;
        try {
            for (SystemdUnitStatus s : systemd.unitStates(local.keySet()).values()) {
                publisher.systemdSays(s);
                if (isRunning(s)) local.computeIfPresent(s.name(), (n, l) -> l.withApplied(TargetState.LAUNCHED));
            }
        } catch (SystemdException e) {
            log.warn("agent: cannot read unit states from systemd: {}", e.getMessage());
        }
        log.info("agent: recovered {} units from {} ({} running); none restarted", local.size(), unitsDirectory,
                local.values().stream().filter(l -> l.applied() == TargetState.LAUNCHED).count());
        return local;
    }

    private static boolean isRunning(SystemdUnitStatus s) {
        return switch (s.activeState()) {
            case "active", "activating", "reloading", "refreshing" -> true;
            default -> false;
        };
    }
}

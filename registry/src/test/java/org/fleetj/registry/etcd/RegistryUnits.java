package org.fleetj.registry.etcd;

import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitParseException;

/** Unit files for the etcd tests. */
final class RegistryUnits {
    private RegistryUnits() {
    }

    static UnitFile unit(String text) {
        try {
            return UnitFile.parse(text);
        } catch (UnitParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static UnitFile service(String command) {
        return unit("[Unit]\nDescription=test " + command + "\n\n[Service]\nExecStart=" + command + "\n");
    }
}

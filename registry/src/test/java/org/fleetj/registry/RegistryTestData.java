package org.fleetj.registry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitParseException;

/** The units, machines and listeners the registry's tests (the contract and the etcd ones) build their cases from. */
public final class RegistryTestData {
    private RegistryTestData() {
    }

    public static UnitFile unit(String text) {
        try {
            return UnitFile.parse(text);
        } catch (UnitParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static UnitFile service(String command) {
        return unit("[Unit]\nDescription=test " + command + "\n\n[Service]\nExecStart=" + command + "\n");
    }

    public static UnitFile globalService(String command) {
        return unit("[Service]\nExecStart=" + command + "\n\n[X-Fleet]\nGlobal=true\n");
    }

    public static MachineState machine(String id, String ip, Map<String, String> metadata) {
        return new MachineState(id, ip, metadata, "0.1.0");
    }

    public static String machineId(int n) {
        return String.format("%032x", n);
    }

    /** Records presence callbacks. */
    public static final class PresenceEvents implements MachinePresence.Listener {
        public final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void suspended() {
            events.add("suspended");
        }

        @Override
        public void rejoined() {
            events.add("rejoined");
        }
    }

    /** Records leadership callbacks ({@code isLeader <token>}, {@code notLeader}, {@code suspended}). */
    public static final class LatchEvents implements LeaderLatch.Listener {
        public final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void isLeader(Leadership leadership) {
            events.add("isLeader " + leadership.token());
        }

        @Override
        public void notLeader() {
            events.add("notLeader");
        }

        @Override
        public void suspended() {
            events.add("suspended");
        }
    }
}

package org.fleetj.api;

/**
 * fleet's short form of a machine id, as its tables and messages show it: the first 8 characters (an id of 8 or
 * fewer stays whole). One home for the rule, so fleetctl's tables, fleetd's log lines, the engine's reasons and
 * the failure summaries name a machine the same way. Here, in the lowest module every other one depends on.
 */
public final class MachineIds {
    /** How many characters of a machine id fleet shows. */
    public static final int SHORT_LENGTH = 8;

    private MachineIds() {
    }

    public static String shortId(String machineId) {
        return machineId.length() > SHORT_LENGTH ? machineId.substring(0, SHORT_LENGTH) : machineId;
    }

    /** The short id with "..." when it was cut, as summaries show a machine ({@code 1f3e2a9c...}). */
    public static String elided(String machineId) {
        String s = shortId(machineId);
        return s.equals(machineId) ? s : s + "...";
    }
}

package org.fleetj.fleetctl.ssh;

import java.nio.file.Path;

/** What fleetctl says about host keys, worded after OpenSSH's ssh(1) so that users recognise it. */
final class HostKeyMessages {
    private HostKeyMessages() {
    }

    /** The question asked on a terminal for a host not in known_hosts. */
    static String unknownQuestion(HostAddress address, HostKeyCheck check) {
        return "The authenticity of host '" + check.hostName() + " (" + address + ")' can't be established.\n"
                + check.keyTypeLabel() + " key fingerprint is " + check.fingerprint() + ".\n"
                + "Are you sure you want to continue connecting (yes/no)? ";
    }

    static String added(HostKeyCheck check, Path knownHosts) {
        return "Warning: Permanently added '" + check.hostName() + "' (" + check.keyTypeLabel() + ") to the list of known hosts ("
                + knownHosts + ").";
    }

    /** An unknown host when nobody can be asked (stdin is not a terminal): how to add it, and the way out. */
    static String unknownNonInteractive(HostAddress address, HostKeyCheck check, Path knownHosts) {
        return "Host key verification failed: the authenticity of host '" + check.hostName() + "' can't be established ("
                + check.keyTypeLabel() + " key fingerprint is " + check.fingerprint() + ") and stdin is not a terminal to ask.\n"
                + "If you trust this key, add it to " + knownHosts + ", e.g.:\n"
                + "  ssh-keyscan -p " + address.port() + " -t " + check.keyType() + " " + address.host() + " >> " + knownHosts + "\n"
                + "or run fleetctl from a terminal to be asked, or pass --strict-host-key-checking=false to skip host key checks.";
    }

    static String declined(HostKeyCheck check) {
        return "Host key verification failed: the key of '" + check.hostName() + "' was not accepted.";
    }

    /** A key that differs from the recorded one: refused, as ssh(1) does, with where the old key is. */
    static String changed(HostKeyCheck check, Path knownHosts) {
        String at = knownHosts + ":" + check.offendingLine();
        if (check.status() == HostKeyCheck.Status.REVOKED) {
            return "Host key verification failed: the " + check.keyTypeLabel() + " key of '" + check.hostName() + "' ("
                    + check.fingerprint() + ") is marked as revoked in " + at + ".";
        }
        return "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
                + "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n"
                + "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
                + "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\n"
                + "The " + check.keyTypeLabel() + " host key for '" + check.hostName() + "' has changed: the key sent by the remote host is "
                + check.fingerprint() + ".\n"
                + "Offending " + check.keyTypeLabel() + " key in " + at + "\n"
                + "If the host was legitimately reinstalled, remove that line and connect again.\n"
                + "Host key verification failed.";
    }
}

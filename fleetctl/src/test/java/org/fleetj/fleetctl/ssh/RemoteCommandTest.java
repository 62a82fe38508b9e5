package org.fleetj.fleetctl.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RemoteCommandTest {

    @Test
    void journalIsFleetsCommandLine() {
        assertEquals("journalctl --unit hello.service --no-pager -n 10 --output short",
                RemoteCommand.journal("hello.service", 10, "short", false, false).shellText());
        assertEquals("sudo journalctl --unit hello.service --no-pager -n 3 --output cat -f",
                RemoteCommand.journal("hello.service", 3, "cat", true, true).shellText());
        assertEquals(List.of("journalctl", "--unit", "a.service", "--no-pager", "-n", "1", "--output", "json"),
                RemoteCommand.journal("a.service", 1, "json", false, false).argv());
    }

    @Test
    void statusRestartAndFdForward() {
        assertEquals("systemctl status -l web@1.service", RemoteCommand.status("web@1.service").shellText());
        assertEquals("systemctl restart glob.service", RemoteCommand.restart("glob.service").shellText());
        assertEquals("fleetctl fd-forward /var/run/fleet.sock", RemoteCommand.fdForward("/var/run/fleet.sock").shellText());
    }

    @Test
    void wordsAShellWouldInterpretAreQuoted() {
        // systemd-escaped unit names carry backslashes; a shell would eat them unquoted
        assertEquals("systemctl status -l 'foo\\x2dbar.service'", RemoteCommand.status("foo\\x2dbar.service").shellText());
        assertEquals("fleetctl fd-forward '/run/my sock'", RemoteCommand.fdForward("/run/my sock").shellText());
        assertEquals("'it'\\''s'", RemoteCommand.quote("it's"));
        assertEquals("''", RemoteCommand.quote(""));
        assertEquals("'$HOME'", RemoteCommand.quote("$HOME"));
        assertEquals("a-b_c.d@e:f,g=h%+/", RemoteCommand.quote("a-b_c.d@e:f,g=h%+/"));
    }

    @Test
    void aUserCommandLineGoesToTheRemoteShellAsTyped() {
        RemoteCommand c = RemoteCommand.userLine(List.of("echo", "$HOME;", "exit", "3"));
        assertEquals("echo $HOME; exit 3", c.shellText());
        assertEquals(List.of("echo", "$HOME;", "exit", "3"), c.argv());
    }

    @Test
    void aCommandHasWords() {
        assertThrows(IllegalArgumentException.class, () -> RemoteCommand.of(List.of()));
    }
}

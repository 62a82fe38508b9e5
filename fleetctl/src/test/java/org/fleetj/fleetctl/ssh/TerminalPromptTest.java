package org.fleetj.fleetctl.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalPromptTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private TerminalPrompt prompt(String input, boolean interactive) {
        return new TerminalPrompt(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(err, true, StandardCharsets.UTF_8), interactive);
    }

    @Test
    void yesAccepts() {
        assertTrue(prompt("yes\n", true).confirm("Continue (yes/no)? "));
        assertEquals("Continue (yes/no)? ", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void noAndEndOfInputRefuse() {
        assertFalse(prompt("no\n", true).confirm("Q? "));
        assertFalse(prompt("", true).confirm("Q? "));
    }

    @Test
    void anythingElseIsAskedAgainAsSshDoes() {
        assertTrue(prompt("y\nYES\r\n", true).confirm("Q? "));
        assertEquals("Q? Please type 'yes' or 'no': ", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void nothingBeyondTheAnswerIsConsumed() throws Exception {
        ByteArrayInputStream in = new ByteArrayInputStream("yes\nhostname\n".getBytes(StandardCharsets.UTF_8));
        TerminalPrompt p = new TerminalPrompt(in, new PrintStream(err, true, StandardCharsets.UTF_8), true);
        assertTrue(p.confirm("Q? "));
        assertEquals("hostname\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void withoutATerminalNobodyIsAsked() {
        TerminalPrompt p = prompt("yes\n", false);
        assertFalse(p.interactive());
        assertFalse(p.confirm("Q? "));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void terminalDevicesAreRecognisedByPath() {
        assertTrue(Terminal.isTerminalDevice("/dev/pts/3"));
        assertTrue(Terminal.isTerminalDevice("/dev/tty1"));
        assertFalse(Terminal.isTerminalDevice("pipe:[12345]"));
        assertFalse(Terminal.isTerminalDevice("/dev/null"));
    }
}

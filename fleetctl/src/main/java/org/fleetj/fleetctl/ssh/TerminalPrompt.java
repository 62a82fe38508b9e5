package org.fleetj.fleetctl.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Asks on the user's terminal: the question on stderr, the answer read from stdin one byte at a time
 * (nothing beyond the answer's newline is consumed: the rest of stdin may be forwarded to the remote
 * side afterwards). Like ssh(1), only {@code yes} or {@code no} are taken; anything else is asked again.
 */
final class TerminalPrompt implements HostKeyPrompt {
    private final InputStream in;
    private final PrintStream err;
    private final boolean interactive;

    TerminalPrompt(InputStream in, PrintStream err, boolean interactive) {
        this.in = in;
        this.err = err;
        this.interactive = interactive;
    }

    @Override
    public boolean interactive() {
        return interactive;
    }

    @Override
    public synchronized boolean confirm(String question) {
        if (!interactive) return false;
        err.print(question);
        err.flush();
        while (true) {
            String answer = readLine();
            if (answer == null) {
                err.println();
                return false;
            }
            answer = answer.trim().toLowerCase(Locale.ROOT);
            if (answer.equals("yes")) return true;
            if (answer.equals("no")) return false;
            err.print("Please type 'yes' or 'no': ");
            err.flush();
        }
    }

    @Override
    public void tell(String message) {
        err.println(message);
        err.flush();
    }

    private String readLine() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') return line.toString(StandardCharsets.UTF_8);
                if (b != '\r') line.write(b);
            }
        } catch (IOException e) {
            return null;
        }
        return line.size() > 0 ? line.toString(StandardCharsets.UTF_8) : null;
    }
}

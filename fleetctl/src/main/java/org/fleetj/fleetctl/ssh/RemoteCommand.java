package org.fleetj.fleetctl.ssh;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A command fleetctl runs on a machine: as an argument vector when it runs here (no shell involved), or
 * as one line for the remote shell over SSH, each word quoted when it holds anything a shell would
 * interpret (unit names may carry systemd's {@code \x2d} escapes).
 *
 * @param argv       the words; never empty
 * @param shellText  the line sent over SSH
 */
public record RemoteCommand(List<String> argv, String shellText) {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9@%+=:,./_-]+");

    public RemoteCommand {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) throw new IllegalArgumentException("a command needs at least one word");
    }

    /** A command given as words, quoted for the remote shell. */
    public static RemoteCommand of(List<String> words) {
        List<String> quoted = new ArrayList<>(words.size());
        for (String w : words) quoted.add(quote(w));
        return new RemoteCommand(words, String.join(" ", quoted));
    }

    public static RemoteCommand of(String... words) {
        return of(List.of(words));
    }

    /**
     * What the user typed after {@code fleetctl ssh MACHINE --}: joined with spaces and left to the remote
     * shell unquoted, as ssh(1) and fleet do ({@code fleetctl ssh m -- 'echo $HOME'} expands remotely).
     */
    public static RemoteCommand userLine(List<String> words) {
        return new RemoteCommand(words, String.join(" ", words));
    }

    /** fleet's journal command: {@code [sudo] journalctl --unit U --no-pager -n N --output M [-f]}. */
    public static RemoteCommand journal(String unit, int lines, String output, boolean follow, boolean sudo) {
        List<String> w = new ArrayList<>();
        if (sudo) w.add("sudo");
        w.addAll(List.of("journalctl", "--unit", unit, "--no-pager", "-n", Integer.toString(lines), "--output", output));
        if (follow) w.add("-f");
        return of(w);
    }

    /** {@code systemctl status -l U}, as fleet's status command runs it. */
    public static RemoteCommand status(String unit) {
        return of("systemctl", "status", "-l", unit);
    }

    /** {@code systemctl restart U}: how fleet restarts a global unit on each of its machines. */
    public static RemoteCommand restart(String unit) {
        return of("systemctl", "restart", unit);
    }

    /** What {@code --tunnel} runs on the bastion to reach fleetd's unix socket there. */
    public static RemoteCommand fdForward(String socketPath) {
        return of("fleetctl", "fd-forward", socketPath);
    }

    /** One word for a POSIX shell: as is when plainly safe, otherwise in single quotes. */
    public static String quote(String word) {
        if (!word.isEmpty() && SAFE.matcher(word).matches()) return word;
        return "'" + word.replace("'", "'\\''") + "'";
    }

    @Override
    public String toString() {
        return shellText;
    }
}

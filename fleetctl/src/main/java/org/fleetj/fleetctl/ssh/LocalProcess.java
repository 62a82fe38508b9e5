package org.fleetj.fleetctl.ssh;

import java.io.IOException;
import java.io.OutputStream;

/** Runs a command on this machine (no shell), its output streamed to the given streams. */
final class LocalProcess {
    private LocalProcess() {
    }

    /** @return the command's exit status (128 + signal when killed, as shells report it) */
    static int run(RemoteCommand command, OutputStream out, OutputStream err) throws IOException {
        Process p = new ProcessBuilder(command.argv()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        // fleetctl killed (e.g. journal -f ended by SIGTERM) must not leave the command behind
        Thread reaper = new Thread(p::destroy, "local-command-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            Thread errors = Pump.start("local-stderr", p.getErrorStream(), err, null);
            Pump.copy(p.getInputStream(), out);
            Pump.join(errors);
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroy();
            return SshConnection.NO_EXIT_STATUS;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException exiting) {
                // the hook runs anyway
            }
        }
    }
}

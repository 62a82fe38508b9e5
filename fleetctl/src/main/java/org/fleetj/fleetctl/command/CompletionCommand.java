package org.fleetj.fleetctl.command;

import org.fleetj.fleetctl.Session;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "completion", description = {
        "Print a shell completion script (beyond fleet).",
        "bash: source <(fleetctl completion bash)    zsh: source <(fleetctl completion zsh)"})
public final class CompletionCommand extends FleetCommand {
    @Parameters(paramLabel = "SHELL", description = "bash or zsh")
    String shell;

    @Spec
    CommandSpec spec;

    @Override
    protected int run(Session session) {
        String script = AutoComplete.bash("fleetctl", spec.root().commandLine());
        switch (shell) {
            case "bash" -> session.out().print(script);
            case "zsh" -> {
                // picocli's script is bash; zsh runs it through its bash completion emulation
                session.out().println("autoload -U +X compinit && compinit");
                session.out().println("autoload -U +X bashcompinit && bashcompinit");
                session.out().print(script);
            }
            default -> {
                session.err().println("unsupported shell \"" + shell + "\": use bash or zsh");
                return 1;
            }
        }
        return 0;
    }
}

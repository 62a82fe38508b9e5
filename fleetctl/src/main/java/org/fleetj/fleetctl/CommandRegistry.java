package org.fleetj.fleetctl;

import java.util.ArrayList;
import java.util.List;
import org.fleetj.fleetctl.command.CatCommand;
import org.fleetj.fleetctl.command.CompletionCommand;
import org.fleetj.fleetctl.command.DestroyCommand;
import org.fleetj.fleetctl.command.FdForwardCommand;
import org.fleetj.fleetctl.command.HelpCommand;
import org.fleetj.fleetctl.command.JournalCommand;
import org.fleetj.fleetctl.command.ListMachinesCommand;
import org.fleetj.fleetctl.command.ListUnitFilesCommand;
import org.fleetj.fleetctl.command.ListUnitsCommand;
import org.fleetj.fleetctl.command.LoadCommand;
import org.fleetj.fleetctl.command.RestartCommand;
import org.fleetj.fleetctl.command.RolloutCommand;
import org.fleetj.fleetctl.command.SshCommand;
import org.fleetj.fleetctl.command.StartCommand;
import org.fleetj.fleetctl.command.StatusCommand;
import org.fleetj.fleetctl.command.StopCommand;
import org.fleetj.fleetctl.command.CordonCommand;
import org.fleetj.fleetctl.command.DrainCommand;
import org.fleetj.fleetctl.command.UncordonCommand;
import org.fleetj.fleetctl.command.SubmitCommand;
import org.fleetj.fleetctl.command.UnloadCommand;
import org.fleetj.fleetctl.command.VersionCommand;

/**
 * Every fleetctl command, by name. Adding a command is one line in {@link #COMMANDS}. The names are
 * listed here rather than read from the classes' annotations so that only the invoked command's
 * class is ever modelled by picocli (building every model by reflection costs ~100 ms per run).
 */
public final class CommandRegistry {

    /** One command: its name as typed and the picocli {@code @Command} class implementing it. */
    public record Entry(String name, Class<?> type) {
    }

    private static final List<Entry> COMMANDS = List.of(
            new Entry("cat", CatCommand.class),
            new Entry("completion", CompletionCommand.class),
            new Entry("cordon", CordonCommand.class),
            new Entry("destroy", DestroyCommand.class),
            new Entry("drain", DrainCommand.class),
            new Entry("fd-forward", FdForwardCommand.class),
            new Entry("help", HelpCommand.class),
            new Entry("journal", JournalCommand.class),
            new Entry("list-machines", ListMachinesCommand.class),
            new Entry("list-unit-files", ListUnitFilesCommand.class),
            new Entry("list-units", ListUnitsCommand.class),
            new Entry("load", LoadCommand.class),
            new Entry("restart", RestartCommand.class),
            new Entry("rollout", RolloutCommand.class),
            new Entry("ssh", SshCommand.class),
            new Entry("start", StartCommand.class),
            new Entry("status", StatusCommand.class),
            new Entry("stop", StopCommand.class),
            new Entry("submit", SubmitCommand.class),
            new Entry("uncordon", UncordonCommand.class),
            new Entry("unload", UnloadCommand.class),
            new Entry("version", VersionCommand.class));

    private CommandRegistry() {
    }

    public static List<Entry> all() {
        return COMMANDS;
    }

    /**
     * The command an argument names: exactly, or as an unambiguous prefix (fleet's cobra enables prefix
     * matching, so {@code list-m} is {@code list-machines}). Null when none or several match.
     */
    public static Entry resolve(String typed) {
        List<Entry> prefixed = new ArrayList<>();
        for (Entry e : COMMANDS) {
            if (e.name().equals(typed)) return e;
            if (e.name().startsWith(typed)) prefixed.add(e);
        }
        return prefixed.size() == 1 ? prefixed.get(0) : null;
    }
}

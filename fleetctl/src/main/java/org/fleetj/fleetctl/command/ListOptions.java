package org.fleetj.fleetctl.command;

import picocli.CommandLine.Option;

/** Options shared by the list commands: {@code --fields}, {@code --full}/{@code -l}, {@code --no-legend}, {@code -o}. */
public final class ListOptions {
    @Option(names = "--fields", paramLabel = "FIELDS", description = "Columns to print, comma-separated.")
    String fields;

    @Option(names = {"-l", "--full"}, description = "Do not ellipsize fields on output")
    boolean full;

    @Option(names = "--no-legend", description = "Do not print a legend (column headers)")
    boolean noLegend;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: table (fleet's) or json (the API objects; beyond fleet).")
    String output;

    /** The {@code --fields} value, or the command's default when not given. */
    public String fields(String defaultFields) {
        return fields == null ? defaultFields : fields;
    }

    public boolean full() {
        return full;
    }

    public boolean legend() {
        return !noLegend;
    }

    /** True for {@code -o json}; false for table. */
    public boolean json() {
        return switch (output) {
            case "json" -> true;
            case "table" -> false;
            default -> throw new IllegalArgumentException("invalid output format \"" + output + "\": use table or json");
        };
    }
}

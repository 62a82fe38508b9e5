package org.fleetj.fleetctl.command;

import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by the list commands: {@code --fields}, {@code --full}/{@code -l}, {@code --no-legend}, {@code -o}. */
public final class ListOptions {
    @Option(names = "--fields", paramLabel = "FIELDS", description = "Columns to print, comma-separated.")
    String fields;

    @Option(names = {"-l", "--full"}, description = "Do not ellipsize fields on output")
    boolean full;

    @Option(names = "--no-legend", description = "Do not print a legend (column headers)")
    boolean noLegend;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = TABLE,
            description = "Output format: table (fleet's) or json (the API objects; beyond fleet).")
    String output = TABLE;

    private static final String TABLE = "table";

    /**
     * These options from plain arguments without picocli ({@code --fields F}, {@code --fields=F}, {@code -l},
     * {@code --full}, {@code --no-legend}, {@code -o F}, {@code --output F}, {@code --output=F}), for the quick
     * path of the list commands; null when any argument is something else, so picocli parses the line and
     * words its errors.
     */
    public static ListOptions parse(List<String> args) {
        ListOptions options = new ListOptions();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "-l", "--full" -> options.full = true;
                case "--no-legend" -> options.noLegend = true;
                case "--fields", "-o", "--output" -> {
                    if (i + 1 == args.size() || args.get(i + 1).startsWith("-")) return null;
                    if (arg.equals("--fields")) options.fields = args.get(++i);
                    else options.output = args.get(++i);
                }
                default -> {
                    if (arg.startsWith("--fields=")) options.fields = arg.substring("--fields=".length());
                    else if (arg.startsWith("--output=")) options.output = arg.substring("--output=".length());
                    else return null;
                }
            }
        }
        return options;
    }

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

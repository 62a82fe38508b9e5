package org.fleetj.unit;

/** A unit file (or unit name) that cannot be accepted; the message names the rule and, for files, the line. */
public class UnitParseException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;

    public UnitParseException(String message) {
        this(message, 0);
    }

    /** @param line 1-based line number, or 0 when the error is not tied to a line */
    public UnitParseException(String message, int line) {
        super(line > 0 ? "line " + line + ": " + message : message);
        this.line = line;
    }

    /** 1-based line of the problem, or 0. */
    public int line() {
        return line;
    }
}

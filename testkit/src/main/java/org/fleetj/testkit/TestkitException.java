package org.fleetj.testkit;

/** A real part (process, machine, HTTP endpoint) the testkit drives did not behave as required. */
public class TestkitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TestkitException(String message) {
        super(message);
    }

    public TestkitException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.fleetj.fleetctl.ssh;

/** Asks the user about an unknown host key. */
public interface HostKeyPrompt {
    /** Whether someone can answer (stdin is a terminal); when not, unknown hosts are refused. */
    boolean interactive();

    /** Asks {@code question}; true only when the answer is {@code yes}. */
    boolean confirm(String question);

    /** A notice for the user (e.g. that a key was added). */
    void tell(String message);

    /** Nobody to ask: every unknown host is refused. */
    static HostKeyPrompt none() {
        return new HostKeyPrompt() {
            @Override
            public boolean interactive() {
                return false;
            }

            @Override
            public boolean confirm(String question) {
                return false;
            }

            @Override
            public void tell(String message) {
            }
        };
    }
}

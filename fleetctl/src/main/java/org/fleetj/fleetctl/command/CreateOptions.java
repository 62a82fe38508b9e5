package org.fleetj.fleetctl.command;

import picocli.CommandLine.Option;

/** {@code --replace} and the deprecated {@code --sign} of submit, load and start. */
public final class CreateOptions {
    @Option(names = "--replace", description = "Replace the old scheduled units in the cluster with new versions.")
    boolean replace;

    @Option(names = "--sign", hidden = true, description = "DEPRECATED - this option cannot be used")
    boolean sign;

    public boolean replace() {
        return replace;
    }

    public boolean sign() {
        return sign;
    }
}

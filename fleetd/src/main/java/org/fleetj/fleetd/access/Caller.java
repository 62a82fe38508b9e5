package org.fleetj.fleetd.access;

import java.util.Objects;

/**
 * Who sent a request, as far as the access check established it, and the role that gives them.
 *
 * @param name how the log names the caller (never a secret): {@code unix socket}, {@code token #2},
 *             {@code certificate CN=admin}, {@code peer fleetd}, {@code anonymous}
 */
public record Caller(String name, Role role) {
    /** The request attribute under which handlers find the caller. */
    public static final String ATTRIBUTE = "org.fleetj.fleetd.access.caller";

    public Caller {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
    }
}

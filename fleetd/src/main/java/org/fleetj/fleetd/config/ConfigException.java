package org.fleetj.fleetd.config;

/** A configuration value fleetd cannot start with; the message names the option and the value. */
public class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}

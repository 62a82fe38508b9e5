package org.fleetj.api;

/** fleet v1 API "UnitOption": {@code {"section","name","value"}}. */
public record ApiUnitOption(String section, String name, String value) {
}

package org.fleetj.fleetctl.output;

import org.fleetj.api.ApiUnit;

/** A unit as list-unit-files shows it: the API unit plus what is derived from its options. */
public record UnitFileRow(ApiUnit unit, String hash, boolean global, String description) {
}

package org.fleetj.unit;

import java.util.Objects;
import java.util.Optional;

/**
 * The placement options this project adds to {@code [X-Fleet]} (beyond fleet v1.0), kept apart from fleet's
 * own so that a unit that uses none of them is exactly fleet's {@link XFleet}.
 *
 * @param resources     RequestCPU / RequestMemory: what the unit needs on its machine; {@link Resources#NONE} when unstated
 * @param maxPerMachine MaxPerMachine: at most this many instances of the unit's template on one machine; 0 = no limit
 * @param spreadBy      SpreadBy: a machine metadata key; the template's instances are spread evenly over its values
 */
public record PlacementRequests(Resources resources, int maxPerMachine, Optional<String> spreadBy) {

    /** No placement option given. */
    public static final PlacementRequests NONE = new PlacementRequests(Resources.NONE, 0, Optional.empty());

    public PlacementRequests {
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(spreadBy, "spreadBy");
        if (maxPerMachine < 0) {
            throw new IllegalArgumentException("maxPerMachine cannot be negative");
        }
    }

    public boolean isNone() {
        return resources.isNone() && maxPerMachine == 0 && spreadBy.isEmpty();
    }
}

package org.fleetj.scheduler;

import java.util.HashMap;
import java.util.Map;

/**
 * How many instances of one template sit on each machine and on each value of the metadata keys its instances
 * spread by, kept current as units are placed and moved; what MaxPerMachine and SpreadBy read instead of
 * counting neighbours. Built only for templates some instance of which states one of those rules.
 */
final class TemplateTally {

    final String template;
    private final int[] perMachine;
    /** Spread key to (value to count). */
    private final Map<String, Map<String, Integer>> perValue = new HashMap<>(2);

    TemplateTally(String template, int machines) {
        this.template = template;
        this.perMachine = new int[machines];
    }

    void spreadBy(String key) {
        perValue.putIfAbsent(key, new HashMap<>());
    }

    int on(MachineSlot m) {
        return perMachine[m.rank];
    }

    /** Instances on machines whose {@code key} is {@code value}. */
    int withValue(String key, String value) {
        return perValue.getOrDefault(key, Map.of()).getOrDefault(value, 0);
    }

    void moved(MachineSlot m, int delta) {
        perMachine[m.rank] += delta;
        for (Map.Entry<String, Map<String, Integer>> e : perValue.entrySet()) {
            String value = m.machine.metadata().get(e.getKey());
            if (value != null) {
                e.getValue().merge(value, delta, Integer::sum);
            }
        }
    }
}

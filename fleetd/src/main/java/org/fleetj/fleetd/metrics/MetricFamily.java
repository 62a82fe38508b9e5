package org.fleetj.fleetd.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One named metric with its label names and one child per combination of label values
 * (e.g. {@code fleet_engine_task_count_total{type="schedule"}}). A family without labels has one child.
 */
public final class MetricFamily<M> {
    private final String name;
    private final String help;
    private final MetricType type;
    private final List<String> labelNames;
    private final Supplier<M> factory;
    private final Map<List<String>, M> children = new ConcurrentHashMap<>();

    MetricFamily(String name, String help, MetricType type, List<String> labelNames, Supplier<M> factory) {
        this.name = name;
        this.help = help;
        this.type = type;
        this.labelNames = List.copyOf(labelNames);
        this.factory = factory;
    }

    /** The child for these label values (created on first use); their number must match the label names. */
    public M labels(String... values) {
        if (values.length != labelNames.size()) {
            throw new IllegalArgumentException("metric " + name + " has labels " + labelNames + " but got values " + Arrays.toString(values));
        }
        for (String v : values) {
            if (v == null) throw new IllegalArgumentException("metric " + name + ": label value must not be null");
        }
        return children.computeIfAbsent(List.of(values), k -> factory.get());
    }

    public String name() {
        return name;
    }

    String help() {
        return help;
    }

    MetricType type() {
        return type;
    }

    List<String> labelNames() {
        return labelNames;
    }

    /** Children sorted by label values, so scrapes are stable and diffable. */
    List<Map.Entry<List<String>, M>> sortedChildren() {
        List<Map.Entry<List<String>, M>> out = new ArrayList<>(children.entrySet());
        out.sort((a, b) -> String.join("\u0000", a.getKey()).compareTo(String.join("\u0000", b.getKey())));
        return out;
    }
}

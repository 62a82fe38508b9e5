package org.fleetj.fleetd.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A small, dependency-free set of metrics with Prometheus text exposition (format 0.0.4). Families are
 * written in registration order, children sorted by label values.
 */
public final class MetricsRegistry {
    /** The Content-Type of {@link #scrape()}'s output. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** A sample computed at scrape time: name suffix (e.g. {@code _sum}, or empty), label values, value. */
    public record Sample(String suffix, List<String> labelValues, double value) {
        public Sample {
            labelValues = List.copyOf(labelValues);
        }
    }

    /** Computes the samples of a metric owned by someone else (e.g. a registry's own counters) at scrape time. */
    private record Collected(String name, String help, MetricType type, List<String> labelNames, Supplier<List<Sample>> samples) {
    }

    /** Families and collected metrics, in registration order. */
    private final List<Object> entries = new CopyOnWriteArrayList<>();
    private final Set<String> names = ConcurrentHashMap.newKeySet();

    public Counter counter(String name, String help) {
        return counterFamily(name, help).labels();
    }

    public MetricFamily<Counter> counterFamily(String name, String help, String... labelNames) {
        return register(new MetricFamily<>(name, help, MetricType.COUNTER, List.of(labelNames), Counter::new));
    }

    public Gauge gauge(String name, String help) {
        return gaugeFamily(name, help).labels();
    }

    public MetricFamily<Gauge> gaugeFamily(String name, String help, String... labelNames) {
        return register(new MetricFamily<>(name, help, MetricType.GAUGE, List.of(labelNames), Gauge::new));
    }

    /** A histogram with Prometheus' default buckets (5 ms .. 10 s). */
    public Histogram histogram(String name, String help) {
        return histogramFamily(name, help).labels();
    }

    public MetricFamily<Histogram> histogramFamily(String name, String help, String... labelNames) {
        return histogramFamily(name, help, Histogram.DEFAULT_BUCKETS, labelNames);
    }

    public MetricFamily<Histogram> histogramFamily(String name, String help, double[] buckets, String... labelNames) {
        double[] copy = buckets.clone();
        new Histogram(copy); // validates the buckets now, not at first use
        for (String l : labelNames) {
            if ("le".equals(l)) throw new IllegalArgumentException("histogram " + name + ": label name \"le\" is reserved");
        }
        return register(new MetricFamily<>(name, help, MetricType.HISTOGRAM, List.of(labelNames), () -> new Histogram(copy)));
    }

    private <M> MetricFamily<M> register(MetricFamily<M> family) {
        if (!METRIC_NAME.matcher(family.name()).matches()) {
            throw new IllegalArgumentException("invalid metric name: " + family.name());
        }
        for (String l : family.labelNames()) {
            if (!LABEL_NAME.matcher(l).matches() || l.startsWith("__")) {
                throw new IllegalArgumentException("metric " + family.name() + ": invalid label name " + l);
            }
        }
        if (!names.add(family.name())) {
            throw new IllegalArgumentException("metric " + family.name() + " is already registered");
        }
        entries.add(family);
        return family;
    }

    /**
     * A metric whose samples are read from elsewhere at every scrape (no state kept here). {@code samples}
     * must give label values matching {@code labelNames}; it is called on the scraping thread.
     */
    public void collect(String name, String help, MetricType type, List<String> labelNames, Supplier<List<Sample>> samples) {
        MetricFamily<Object> check = new MetricFamily<>(name, help, type, labelNames, Object::new);
        register(check);
        entries.remove(check);
        entries.add(new Collected(name, help, type, List.copyOf(labelNames), samples));
    }

    /** Every metric in Prometheus text exposition format. */
    public String scrape() {
        StringBuilder out = new StringBuilder(4096);
        for (Object e : entries) {
            if (e instanceof MetricFamily<?> f) {
                write(f, out);
            } else {
                write((Collected) e, out);
            }
        }
        return out.toString();
    }

    private static void write(MetricFamily<?> f, StringBuilder out) {
        out.append("# HELP ").append(f.name()).append(' ').append(escapeHelp(f.help())).append('\n');
        out.append("# TYPE ").append(f.name()).append(' ').append(f.type().word).append('\n');
        for (Map.Entry<List<String>, ?> child : f.sortedChildren()) {
            List<String> values = child.getKey();
            Object m = child.getValue();
            switch (f.type()) {
                case COUNTER -> sample(out, f.name(), f.labelNames(), values, null, ((Counter) m).value());
                case GAUGE -> sample(out, f.name(), f.labelNames(), values, null, ((Gauge) m).value());
                case HISTOGRAM -> {
                    Histogram h = (Histogram) m;
                    double[] bounds = h.upperBounds();
                    long[] cumulative = h.cumulativeCounts();
                    long count = h.count();
                    for (int i = 0; i < bounds.length; i++) {
                        sample(out, f.name() + "_bucket", f.labelNames(), values, number(bounds[i]), cumulative[i]);
                    }
                    sample(out, f.name() + "_bucket", f.labelNames(), values, "+Inf", count);
                    sample(out, f.name() + "_sum", f.labelNames(), values, null, h.sum());
                    sample(out, f.name() + "_count", f.labelNames(), values, null, count);
                }
            }
        }
    }

    private static void write(Collected c, StringBuilder out) {
        out.append("# HELP ").append(c.name()).append(' ').append(escapeHelp(c.help())).append('\n');
        out.append("# TYPE ").append(c.name()).append(' ').append(c.type().word).append('\n');
        List<Sample> samples;
        try {
            samples = c.samples().get();
        } catch (RuntimeException e) {
            out.append("# ").append(c.name()).append(" unavailable: ").append(escapeHelp(String.valueOf(e.getMessage()))).append('\n');
            return;
        }
        for (Sample s : samples) {
            if (s.labelValues().size() != c.labelNames().size()) continue;
            sample(out, c.name() + s.suffix(), c.labelNames(), s.labelValues(), null, s.value());
        }
    }

    private static void sample(StringBuilder out, String name, List<String> labelNames, List<String> values, String le, double value) {
        out.append(name);
        if (!labelNames.isEmpty() || le != null) {
            out.append('{');
            List<String> parts = new ArrayList<>(labelNames.size() + 1);
            for (int i = 0; i < labelNames.size(); i++) {
                parts.add(labelNames.get(i) + "=\"" + escapeLabel(values.get(i)) + "\"");
            }
            if (le != null) parts.add("le=\"" + le + "\"");
            out.append(String.join(",", parts)).append('}');
        }
        out.append(' ').append(number(value)).append('\n');
    }

    /** Integers without a fraction ("3", not "3.0"); infinities and NaN as Prometheus spells them. */
    static String number(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    private static String escapeHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String escapeLabel(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}

package io.pganalytics.server.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A registry of metric families rendered in the Prometheus text exposition format (version 0.0.4).
 * Families are created once, by name; label values are bounded by the callers (methods, status classes, families),
 * never user input.
 */
public final class MetricsRegistry {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private final Map<String, Family> families = new ConcurrentSkipListMap<>();

    public Counter counter(String name, String help, String... labelNames) {
        return (Counter) families.computeIfAbsent(checked(name), n -> new Counter(n, help, labelNames));
    }

    public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
        return (Histogram) families.computeIfAbsent(checked(name), n -> new Histogram(n, help, buckets, labelNames));
    }

    /** A gauge read at scrape time. */
    public void gauge(String name, String help, DoubleSupplier value) {
        families.computeIfAbsent(checked(name), n -> new Gauge(n, help, value));
    }

    /** A gauge with one label, read at scrape time: one series per entry of the map {@code values} gives. */
    public void gauge(String name, String help, String labelName, Supplier<Map<String, Double>> values) {
        families.computeIfAbsent(checked(name), n -> new LabeledGauge(n, help, labelName, values));
    }

    /**
     * A gauge with several labels, read at scrape time: one series per entry of the map {@code values} gives, keyed by
     * the label values in the order of {@code labelNames}.
     */
    public void gauge(String name, String help, String[] labelNames, Supplier<Map<List<String>, Double>> values) {
        families.computeIfAbsent(checked(name), n -> new MultiLabelGauge(n, help, labelNames, values));
    }

    public String scrape() {
        StringBuilder out = new StringBuilder(4096);
        for (Family family : families.values()) {
            out.append("# HELP ").append(family.name).append(' ').append(family.help.replace("\n", " ")).append('\n');
            out.append("# TYPE ").append(family.name).append(' ').append(family.type()).append('\n');
            family.render(out);
        }
        return out.toString();
    }

    private static String checked(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid metric name '" + name + "'");
        }
        return name;
    }

    private abstract static sealed class Family permits Counter, Gauge, LabeledGauge, MultiLabelGauge, Histogram {
        final String name;
        final String help;
        final String[] labelNames;

        Family(String name, String help, String[] labelNames) {
            this.name = name;
            this.help = help;
            this.labelNames = labelNames;
        }

        abstract String type();

        abstract void render(StringBuilder out);

        String labels(List<String> values, String extraName, String extraValue) {
            if (labelNames.length == 0 && extraName == null) {
                return "";
            }
            StringBuilder s = new StringBuilder("{");
            for (int i = 0; i < labelNames.length; i++) {
                if (i > 0) {
                    s.append(',');
                }
                s.append(labelNames[i]).append("=\"").append(escape(values.get(i))).append('"');
            }
            if (extraName != null) {
                if (labelNames.length > 0) {
                    s.append(',');
                }
                s.append(extraName).append("=\"").append(extraValue).append('"');
            }
            return s.append('}').toString();
        }

        List<String> key(String... values) {
            if (values.length != labelNames.length) {
                throw new IllegalArgumentException(name + " takes labels " + Arrays.toString(labelNames) + ", got " + values.length + " values");
            }
            return List.of(values);
        }

        private static String escape(String value) {
            return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        }
    }

    /** A monotonically increasing count. */
    public static final class Counter extends Family {
        private final Map<List<String>, DoubleAdder> series = new ConcurrentHashMap<>();

        Counter(String name, String help, String[] labelNames) {
            super(name, help, labelNames);
        }

        public void inc(String... labelValues) {
            add(1, labelValues);
        }

        public void add(double amount, String... labelValues) {
            if (amount < 0) {
                throw new IllegalArgumentException(name + ": a counter cannot go down");
            }
            List<String> key = key(labelValues);
            // get first: computeIfAbsent locks the hash bin even when the series exists, and every request of a busy
            // node counting into the same series then queues on that lock (seen under 5,000 simulated collectors)
            DoubleAdder adder = series.get(key);
            if (adder == null) {
                adder = series.computeIfAbsent(key, k -> new DoubleAdder());
            }
            adder.add(amount);
        }

        public double value(String... labelValues) {
            DoubleAdder adder = series.get(key(labelValues));
            return adder == null ? 0 : adder.sum();
        }

        @Override
        String type() {
            return "counter";
        }

        @Override
        void render(StringBuilder out) {
            series.forEach((k, v) -> out.append(name).append(labels(k, null, null)).append(' ').append(format(v.sum())).append('\n'));
        }
    }

    private static final class Gauge extends Family {
        private final DoubleSupplier value;

        Gauge(String name, String help, DoubleSupplier value) {
            super(name, help, new String[0]);
            this.value = value;
        }

        @Override
        String type() {
            return "gauge";
        }

        @Override
        void render(StringBuilder out) {
            out.append(name).append(' ').append(format(value.getAsDouble())).append('\n');
        }
    }

    private static final class LabeledGauge extends Family {
        private final Supplier<Map<String, Double>> values;

        LabeledGauge(String name, String help, String labelName, Supplier<Map<String, Double>> values) {
            super(name, help, new String[]{labelName});
            this.values = values;
        }

        @Override
        String type() {
            return "gauge";
        }

        @Override
        void render(StringBuilder out) {
            values.get().forEach((label, value) -> out.append(name).append(labels(List.of(label), null, null)).append(' ')
                    .append(format(value)).append('\n'));
        }
    }

    private static final class MultiLabelGauge extends Family {
        private final Supplier<Map<List<String>, Double>> values;

        MultiLabelGauge(String name, String help, String[] labelNames, Supplier<Map<List<String>, Double>> values) {
            super(name, help, labelNames.clone());
            this.values = values;
        }

        @Override
        String type() {
            return "gauge";
        }

        @Override
        void render(StringBuilder out) {
            values.get().forEach((key, value) -> out.append(name).append(labels(key(key.toArray(String[]::new)), null, null))
                    .append(' ').append(format(value)).append('\n'));
        }
    }

    /** A distribution of observations in cumulative buckets, with their sum and count. */
    public static final class Histogram extends Family {
        private final double[] bounds;
        private final Map<List<String>, Buckets> series = new ConcurrentHashMap<>();

        Histogram(String name, String help, double[] bounds, String[] labelNames) {
            super(name, help, labelNames);
            this.bounds = bounds.clone();
            Arrays.sort(this.bounds);
        }

        public void observe(double value, String... labelValues) {
            List<String> key = key(labelValues);
            Buckets buckets = series.get(key);  // get first, as in Counter.add
            if (buckets == null) {
                buckets = series.computeIfAbsent(key, k -> new Buckets(bounds.length));
            }
            buckets.observe(bounds, value);
        }

        public long count(String... labelValues) {
            Buckets b = series.get(key(labelValues));
            return b == null ? 0 : b.count.sum();
        }

        @Override
        String type() {
            return "histogram";
        }

        @Override
        void render(StringBuilder out) {
            series.forEach((k, b) -> {
                long cumulative = 0;
                for (int i = 0; i < bounds.length; i++) {
                    cumulative += b.counts[i].sum();
                    out.append(name).append("_bucket").append(labels(k, "le", format(bounds[i]))).append(' ').append(cumulative).append('\n');
                }
                out.append(name).append("_bucket").append(labels(k, "le", "+Inf")).append(' ').append(b.count.sum()).append('\n');
                out.append(name).append("_sum").append(labels(k, null, null)).append(' ').append(format(b.sum.sum())).append('\n');
                out.append(name).append("_count").append(labels(k, null, null)).append(' ').append(b.count.sum()).append('\n');
            });
        }

        private static final class Buckets {
            final LongAdder[] counts;
            final LongAdder count = new LongAdder();
            final DoubleAdder sum = new DoubleAdder();

            Buckets(int size) {
                counts = new LongAdder[size];
                for (int i = 0; i < size; i++) {
                    counts[i] = new LongAdder();
                }
            }

            void observe(double[] bounds, double value) {
                for (int i = 0; i < bounds.length; i++) {
                    if (value <= bounds[i]) {
                        counts[i].increment();
                        break;
                    }
                }
                count.increment();
                sum.add(value);
            }
        }
    }

    /** Latency buckets in seconds, from 1 ms to 10 s. */
    public static double[] latencyBuckets() {
        return new double[]{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    }

    static String format(double value) {
        if (value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    List<String> names() {
        return new ArrayList<>(families.keySet());
    }
}

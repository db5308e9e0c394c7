package io.pganalytics.analytics.bench;

import io.pganalytics.analytics.anomaly.DetectorConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The benchmark commands of the analytics jar:
 * <pre>
 * java -jar pganalytics-analytics.jar bench anomalies --data DIR --windows FILE.json [--out detections.csv] [--set knob=value]...
 * java -jar pganalytics-analytics.jar bench throughput [--series N] [--hours H] [--instances I] [--metrics M] [--interval S]
 * </pre>
 */
public final class Main {
    private static final String USAGE = """
            usage:
              bench anomalies --data DIR --windows FILE.json [--out detections.csv] [--set knob=value]...
                  runs the anomaly detectors over every DIR/<key> CSV (timestamp,value) named in FILE.json
                  ({"<key>": [["start", "end"], ...]}), writes their detections as file,timestamp rows to --out
                  (default anomaly-detections.csv) and prints a NAB-style score
              bench throughput [--series 1000] [--hours 24] [--instances 5000] [--metrics 30] [--interval 60] [--set knob=value]...
                  scores synthetic series on one thread and prints points per second per core and the core share
                  needed for instances x metrics series at one point per interval seconds
            knobs (--set): see docs/ANOMALIES.md; defaults: %s
            """;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 2 || !args[0].equals("bench")) {
            err.printf(USAGE, DetectorConfig.defaults().asMap());
            return 2;
        }
        try {
            Map<String, String> options = new LinkedHashMap<>();
            Map<String, String> knobs = new LinkedHashMap<>();
            for (int i = 2; i < args.length; i++) {
                String name = args[i];
                if (!name.startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --option value, got '" + name + "'");
                }
                String value = args[++i];
                if (name.equals("--set")) {
                    int eq = value.indexOf('=');
                    if (eq < 1) {
                        throw new IllegalArgumentException("--set wants knob=value, got '" + value + "'");
                    }
                    knobs.put(value.substring(0, eq), value.substring(eq + 1));
                } else {
                    options.put(name.substring(2), value);
                }
            }
            DetectorConfig config = DetectorConfig.defaults().with(knobs);
            switch (args[1]) {
                case "anomalies" -> {
                    Path data = Path.of(required(options, "data"));
                    Path windows = Path.of(required(options, "windows"));
                    Path detections = Path.of(options.getOrDefault("out", "anomaly-detections.csv"));
                    only(options, "data", "windows", "out");
                    new AnomalyBench(out).run(data, windows, detections, config);
                }
                case "throughput" -> {
                    only(options, "series", "hours", "instances", "metrics", "interval");
                    new ThroughputBench(out).run(config, integer(options, "series", 1000), integer(options, "hours", 24),
                            integer(options, "instances", 5000), integer(options, "metrics", 30), integer(options, "interval", 60));
                }
                default -> throw new IllegalArgumentException("unknown bench '" + args[1] + "': anomalies or throughput");
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("bench: " + e.getMessage());
            err.printf(USAGE, DetectorConfig.defaults().asMap());
            return 2;
        } catch (IOException e) {
            err.println("bench: " + e.getMessage());
            return 1;
        }
    }

    private static String required(Map<String, String> options, String name) {
        String v = options.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    private static int integer(Map<String, String> options, String name, int fallback) {
        String v = options.get(name);
        try {
            int n = v == null ? fallback : Integer.parseInt(v);
            if (n < 1) {
                throw new IllegalArgumentException("--" + name + " must be at least 1, got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " wants a whole number, got '" + v + "'", e);
        }
    }

    private static void only(Map<String, String> options, String... known) {
        for (String name : options.keySet()) {
            if (!java.util.Arrays.asList(known).contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
        }
    }
}

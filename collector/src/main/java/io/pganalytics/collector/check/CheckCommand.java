package io.pganalytics.collector.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pganalytics.collector.catalog.Availability;
import io.pganalytics.collector.catalog.CatalogSettings;
import io.pganalytics.collector.catalog.CollectContext;
import io.pganalytics.collector.catalog.FamilyCollector;
import io.pganalytics.collector.catalog.FamilyCollectors;
import io.pganalytics.collector.host.HostCollectors;
import io.pganalytics.collector.probe.Capabilities;
import io.pganalytics.collector.probe.Probe;
import io.pganalytics.collector.target.ConnectionSettings;
import io.pganalytics.collector.target.QueryTimer;
import io.pganalytics.collector.target.TargetConnections;
import io.pganalytics.collector.target.TargetSpec;
import io.pganalytics.collector.target.TargetUrls;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.wire.MetricBatch;
import io.pganalytics.common.wire.Snapshot;
import io.pganalytics.common.wire.TargetRef;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code check --target postgresql://user@host:port/db [--password-file F] [--json] [--sample-interval-ms N]}:
 * probes a target and says, family by family, what the collector will read there or what is missing and how to
 * fix it; with {@code --json}, prints instead one {@link MetricBatch} holding a snapshot of every family (two
 * samples a short interval apart, so that counter families have deltas).
 * <p>
 * Exit code 0 when something can be collected, 1 when nothing can (cannot connect, cannot probe), 2 on usage errors.
 */
public final class CheckCommand {
    static final int OK = 0;
    static final int NOTHING_COLLECTABLE = 1;
    static final int USAGE = 2;
    private static final String USAGE_TEXT =
            "usage: check --target postgresql://user@host:port/db [--password-file FILE] [--json] [--sample-interval-ms N]";

    private CheckCommand() {
    }

    public static int run(List<String> args, PrintStream out, Map<String, String> env) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            out.println("check: " + e.getMessage());
            out.println(USAGE_TEXT);
            return USAGE;
        }
        TargetSpec spec;
        try {
            spec = TargetUrls.parse(arguments.target(), env);
            if (arguments.passwordFile() != null) {
                spec = spec.withPassword(readPassword(arguments.passwordFile()));
            }
        } catch (IllegalArgumentException | IOException e) {
            out.println("check: " + e.getMessage());
            return USAGE;
        }
        Clock clock = Clock.systemUTC();
        try (TargetConnections connections = new TargetConnections(spec, ConnectionSettings.DEFAULTS)) {
            Capabilities caps;
            try {
                caps = Probe.run(connections, ConnectionSettings.DEFAULTS.statementTimeout(), clock);
            } catch (SQLException e) {
                out.println("check: cannot probe " + spec.name() + " (" + spec.user() + "@" + spec.host() + ":" + spec.port()
                        + "/" + spec.database() + "): " + e.getMessage());
                return NOTHING_COLLECTABLE;
            }
            List<FamilyCollector> collectors = new ArrayList<>(FamilyCollectors.create(spec, CatalogSettings.DEFAULTS));
            collectors.addAll(HostCollectors.create(spec));
            TargetRef ref = new TargetRef(caps.systemIdentifier(), spec.name(), spec.host(), spec.port());
            Check check = new Check(ref, caps, connections, clock, collectors);
            if (arguments.json()) {
                return check.json(out, Duration.ofMillis(arguments.sampleIntervalMillis()));
            }
            return check.report(out);
        }
    }

    private static String readPassword(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        return (newline >= 0 ? text.substring(0, newline) : text).strip();
    }

    /** One check run against a probed target. */
    private record Check(TargetRef ref, Capabilities caps, TargetConnections connections, Clock clock,
                         List<FamilyCollector> collectors) {

        int report(PrintStream out) {
            TargetSpec spec = connections.spec();
            out.println("target " + spec.name() + ": " + spec.user() + "@" + spec.host() + ":" + spec.port() + "/" + spec.database());
            out.println("PostgreSQL " + caps.serverVersion() + " (" + caps.serverVersionNum() + "), "
                    + (caps.inRecovery() ? "standby (in recovery)" : "primary")
                    + (caps.systemIdentifier() == null ? "" : ", system identifier " + caps.systemIdentifier()));
            out.println("extensions in " + caps.database() + ": " + (caps.extensions().isEmpty() ? "none"
                    : String.join(", ", caps.extensions().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList())));
            out.println("shared_preload_libraries: " + (caps.sharedPreloadLibraries() == null ? "(not readable by " + caps.user() + ")"
                    : caps.sharedPreloadLibraries().isEmpty() ? "(empty)" : String.join(", ", caps.sharedPreloadLibraries())));
            var p = caps.privileges();
            out.println("privileges of " + caps.user() + ": superuser " + yesNo(p.superuser()) + ", pg_monitor " + yesNo(p.pgMonitor())
                    + ", pg_read_all_stats " + yesNo(p.pgReadAllStats()) + ", pg_read_all_settings " + yesNo(p.pgReadAllSettings()));
            if (!p.seesAllStats()) {
                out.println("  fix: GRANT pg_monitor TO " + caps.user() + " to see every session and statement");
            }
            out.println("families:");
            int collected = 0;
            for (FamilyCollector collector : collectors) {
                Availability availability = collector.availability(caps);
                String name = collector.family().name();
                if (!availability.available()) {
                    out.println("  [missing] " + name + ": " + availability.detail());
                } else {
                    try {
                        collector.collect(context());
                        collected++;
                        out.println("  [" + (availability.fix() == null ? "ok" : "partial") + "] " + name + ": " + availability.detail());
                    } catch (SQLException | IOException | RuntimeException e) {
                        out.println("  [error] " + name + ": " + e.getMessage());
                    }
                }
                if (availability.fix() != null) {
                    out.println("      fix: " + availability.fix());
                }
            }
            out.println(collected + " of " + collectors.size() + " families can be collected");
            return collected > 0 ? OK : NOTHING_COLLECTABLE;
        }

        int json(PrintStream out, Duration sampleInterval) {
            Map<String, List<Snapshot>> first = sample();
            try {
                Thread.sleep(sampleInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Map<String, List<Snapshot>> second = sample();
            List<Snapshot> snapshots = new ArrayList<>();
            for (FamilyCollector collector : collectors) {
                for (var family : collector.emits()) {
                    List<Snapshot> latest = second.get(family.name());
                    snapshots.addAll(latest != null ? latest : first.getOrDefault(family.name(), List.of()));
                }
            }
            if (snapshots.isEmpty()) {
                out.println("check: nothing could be collected on " + connections.spec().name());
                return NOTHING_COLLECTABLE;
            }
            MetricBatch batch = new MetricBatch(MetricBatch.SCHEMA_VERSION, UUID.randomUUID().toString(),
                    collectorVersion(), clock.instant(), snapshots);
            try {
                out.println(JsonMapping.newMapper().writerWithDefaultPrettyPrinter().writeValueAsString(batch));
            } catch (JsonProcessingException e) {
                out.println("check: cannot write JSON: " + e.getMessage());
                return NOTHING_COLLECTABLE;
            }
            return OK;
        }

        private Map<String, List<Snapshot>> sample() {
            Map<String, List<Snapshot>> byFamily = new LinkedHashMap<>();
            for (FamilyCollector collector : collectors) {
                if (!collector.availability(caps).available()) {
                    continue;
                }
                try {
                    for (Snapshot snapshot : collector.collect(context())) {
                        byFamily.computeIfAbsent(snapshot.family(), k -> new ArrayList<>()).add(snapshot);
                    }
                } catch (SQLException | IOException | RuntimeException e) {
                    // reported by the human-readable check; the JSON carries only what was collected
                    byFamily.putIfAbsent(collector.family().name() + "#failed", List.of());
                }
            }
            byFamily.keySet().removeIf(k -> k.endsWith("#failed"));
            return byFamily;
        }

        private CollectContext context() {
            return new CollectContext(ref, caps, connections, clock, ConnectionSettings.DEFAULTS.statementTimeout(), new QueryTimer());
        }
    }

    static String collectorVersion() {
        String version = CheckCommand.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }

    /** The parsed command line. */
    record Arguments(String target, Path passwordFile, boolean json, long sampleIntervalMillis) {
        static Arguments parse(List<String> args) {
            List<String> rest = new ArrayList<>(args);
            if (!rest.isEmpty() && rest.getFirst().equals("check")) {
                rest.removeFirst();
            }
            String target = null;
            Path passwordFile = null;
            boolean json = false;
            long interval = 1000;
            for (int i = 0; i < rest.size(); i++) {
                String arg = rest.get(i);
                switch (arg) {
                    case "--target" -> target = value(rest, ++i, arg);
                    case "--password-file" -> passwordFile = Path.of(value(rest, ++i, arg));
                    case "--json" -> json = true;
                    case "--sample-interval-ms" -> {
                        try {
                            interval = Long.parseLong(value(rest, ++i, arg));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--sample-interval-ms needs a number of milliseconds", e);
                        }
                        if (interval < 100 || interval > 60_000) {
                            throw new IllegalArgumentException("--sample-interval-ms must be within 100..60000");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + (arg.startsWith("postgres") ? "(a URL: use --target)" : arg));
                }
            }
            if (target == null) {
                throw new IllegalArgumentException("--target is required");
            }
            return new Arguments(target, passwordFile, json, interval);
        }

        private static String value(List<String> args, int index, String option) {
            if (index >= args.size()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args.get(index);
        }
    }
}

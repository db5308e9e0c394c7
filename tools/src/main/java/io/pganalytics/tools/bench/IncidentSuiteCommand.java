package io.pganalytics.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.collector.cli.CommandLine;
import io.pganalytics.collector.cli.UsageException;
import io.pganalytics.collector.register.IdentityFile;
import io.pganalytics.collector.register.RegistrationClient;
import io.pganalytics.collector.register.RegistrationException;
import io.pganalytics.collector.ship.ServerTls;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.wire.RegistrationRequest;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench incidents}: the PostgreSQL incident suite (docs/BENCHMARKS.md, "Incident suite"). A real server (its
 * jar, embedded database, detectors set to learn for {@code --learning-points} points), a PostgreSQL primary and
 * streaming standby of the suite's own (the binaries the server unpacked), a steady pgbench-like load, a real collector
 * ({@code run}) at one collection interval for every family; after the learning and a steady stretch, the incidents
 * one after another with quiet gaps; then what GET /api/v1/anomalies says of each, and the false alarms; and what the
 * default alerting rule pack notified to a real webhook receiver ({@link AlertSink}), judged by the same ground truth.
 */
public final class IncidentSuiteCommand {
    public static final String USAGE = """
            bench incidents [--smoke] [--incidents ID,ID...] [--interval D] [--learning-points N] [--steady D]
                            [--hold N] [--gap N] [--settle N] [--lock-waiters N] [--leak N]
                            [--tpcb-threads N] [--tpcb-rate N] [--lookup-rate N] [--server-jar FILE] [--server-heap SIZE] [--work-dir DIR]
              The PostgreSQL incident suite: plants incidents over a steady load in a real PostgreSQL (primary and
              streaming standby) watched by a real collector and server, and reports per incident whether an anomaly
              on one of its series reached GET /api/v1/anomalies, how many collection intervals after the plant, and
              its top root-cause hint; and the false alarms of the steady stretches, per instance per day; then which
              incidents the default alerting pack notified to a webhook receiver of the suite's (a route with a
              1-minute group interval) and the share of its notifications that were noise. Incidents:
              query-regression, lock-storm, connection-leak, replication-lag, checkpoint-storm, autovacuum-behind (all
              by default). Full run: --interval 10s, --learning-points 120, --steady 30m, each incident held --hold 12
              intervals then a --gap of 30 intervals of which the first --settle 12 still count as the incident's.
              --smoke: query-regression and lock-storm at 3 s, 30 learning points, 1 minute steady, hold 10, gap 10,
              settle 8 (about 6 minutes); exit status 1 when an incident went undetected. docs/BENCHMARKS.md.""";

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    private static final String INSTANCE_NAME = "incident-primary";

    private IncidentSuiteCommand() {
    }

    record Settings(boolean smoke, List<Incident> incidents, Duration interval, int learningPoints, Duration steady, int hold,
                    int gap, int settle, int lockWaiters, int leak, int tpcbThreads, int tpcbRate, int lookupRate,
                    Path serverJar, String serverHeap) {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err, String version)
            throws UsageException, InterruptedException {
        CommandLine line = CommandLine.parse("bench incidents", args, Set.of("incidents", "interval", "learning-points",
                "steady", "hold", "gap", "settle", "lock-waiters", "leak", "tpcb-threads", "tpcb-rate", "lookup-rate",
                "server-jar", "server-heap", "work-dir"), Set.of("smoke"));
        boolean smoke = line.flag("smoke");
        List<Incident> incidents = new ArrayList<>();
        for (String id : line.value("incidents").orElse(smoke ? "query-regression,lock-storm"
                : "query-regression,lock-storm,connection-leak,replication-lag,checkpoint-storm,autovacuum-behind").split(",")) {
            try {
                incidents.add(Incident.byId(id.strip()));
            } catch (IllegalArgumentException e) {
                throw new UsageException("bench incidents: " + e.getMessage());
            }
        }
        Settings settings = new Settings(smoke, incidents,
                line.duration("interval", Duration.ofSeconds(smoke ? 3 : 10)),
                line.integer("learning-points", smoke ? 30 : 120, 0, 10_000),
                line.duration("steady", smoke ? Duration.ofMinutes(1) : Duration.ofMinutes(30)),
                line.integer("hold", smoke ? 10 : 12, 1, 1000), line.integer("gap", smoke ? 10 : 30, 1, 1000),
                line.integer("settle", smoke ? 8 : 12, 0, 1000), line.integer("lock-waiters", 20, 1, 100),
                line.integer("leak", 60, 2, 150), line.integer("tpcb-threads", 2, 1, 16), line.integer("tpcb-rate", 25, 1, 1000),
                line.integer("lookup-rate", 20, 1, 1000), line.path("server-jar").orElseGet(BenchCommand::defaultServerJar),
                line.value("server-heap").orElse("768m"));
        if (settings.settle() > settings.gap()) {
            throw new UsageException("bench incidents: --settle (" + settings.settle() + ") must not exceed --gap (" + settings.gap() + ")");
        }
        if (settings.interval().compareTo(Duration.ofSeconds(1)) < 0) {
            throw new UsageException("bench incidents: --interval must be at least 1 s (the collector's smallest)");
        }
        boolean temporary = line.value("work-dir").isEmpty();
        Path workDir = null;
        try {
            workDir = temporary ? Files.createTempDirectory("pganalytics-incidents")
                    : Files.createDirectories(line.path("work-dir").orElseThrow());
            return new Suite(settings, workDir, out, version).run();
        } catch (IOException | SQLException | RegistrationException e) {
            err.println("bench incidents: " + e.getMessage());
            return 1;
        } finally {
            if (temporary && workDir != null) {
                BenchCommand.deleteTree(workDir);
            }
        }
    }

    /** One run of the suite. */
    private record Suite(Settings settings, Path workDir, PrintStream out, String version) {

        int run() throws IOException, InterruptedException, SQLException, RegistrationException {
            Duration interval = settings.interval();
            out.printf(Locale.ROOT, "bench incidents: %s, interval %d s, %d learning points, steady %d s, incidents %s%n",
                    settings.smoke() ? "smoke" : "full", interval.toSeconds(), settings.learningPoints(),
                    settings.steady().toSeconds(), settings.incidents().stream().map(Incident::id).toList());
            Path serverConfig = ownerOnly(workDir.resolve("server.yaml"), """
                    anomaly:
                      score-interval: 1s
                      detector:
                        learningPoints: %d
                    """.formatted(settings.learningPoints()));
            try (AlertSink sink = AlertSink.start(new com.fasterxml.jackson.databind.ObjectMapper());
                 ServerProcess server = ServerProcess.start(settings.serverJar(), workDir.resolve("server"), settings.serverHeap(),
                    "", null, Map.of(), List.of("--config", serverConfig.toString()), READY_TIMEOUT)) {
                HttpClient http = new ServerTls(null, true).newClient(Duration.ofSeconds(10));
                AdminApi api = new AdminApi(http, server.apiBase(), server.adminPassword());
                api.login();
                boolean standby = settings.incidents().contains(Incident.REPLICATION_LAG);
                out.println("bench incidents: starting PostgreSQL (primary" + (standby ? " and streaming standby" : "") + ")");
                try (IncidentCluster cluster = IncidentCluster.start(IncidentCluster.binariesOfServer(workDir.resolve("server")),
                        workDir.resolve("cluster"), standby)) {
                    IncidentWorkload.createSchema(cluster.primary("pganalytics-incident-suite"));
                    try (IncidentWorkload workload = IncidentWorkload.start(cluster.primary("incident-workload"),
                            settings.tpcbThreads(), settings.tpcbRate(), settings.lookupRate())) {
                        Process collector = startCollector(api, http, server, cluster);
                        try {
                            return measure(api, cluster, workload, collector, sink);
                        } finally {
                            collector.destroy();
                            if (!collector.waitFor(30, TimeUnit.SECONDS)) {
                                collector.destroyForcibly();
                            }
                        }
                    }
                }
            }
        }

        private int measure(AdminApi api, IncidentCluster cluster, IncidentWorkload workload, Process collector, AlertSink sink)
                throws IOException, InterruptedException, SQLException {
            Duration interval = settings.interval();
            long instanceId = instanceId(api, collector);
            notifyTo(api, sink);
            out.println("bench incidents: instance " + instanceId + " reporting; learning for " + settings.learningPoints()
                    + " points (" + interval.multipliedBy(settings.learningPoints()).toSeconds() + " s)");
            Instant steadyFrom = awaitLearning(api, instanceId);
            out.printf(Locale.ROOT, "bench incidents: steady load for %d s (%d TPC-B/s, %d lookups/s)%n", settings.steady().toSeconds(),
                    settings.tpcbThreads() * settings.tpcbRate(), settings.lookupRate());
            sleep(settings.steady(), api);
            IncidentPlanter planter = new IncidentPlanter(cluster, interval, settings.lockWaiters(), settings.leak());
            List<IncidentReport.Window> windows = new ArrayList<>();
            for (Incident incident : settings.incidents()) {
                Instant planted = Instant.now();
                String evidence;
                List<String> culprits;
                try (IncidentPlanter.Planted p = planter.plant(incident)) {
                    evidence = p.evidence();
                    culprits = p.culprits();
                    out.printf(Locale.ROOT, "bench incidents: %s planted at %s: %s%n", incident.id(), planted, evidence);
                    sleep(interval.multipliedBy(settings.hold()).minus(Duration.between(planted, Instant.now())), api);
                }
                Instant reverted = Instant.now();
                windows.add(new IncidentReport.Window(incident, planted, reverted, reverted.plus(interval.multipliedBy(settings.settle())),
                        evidence, culprits));
                out.printf(Locale.ROOT, "bench incidents: %s undone at %s; quiet for %d intervals%n", incident.id(), reverted, settings.gap());
                sleep(interval.multipliedBy(settings.gap()), api);
            }
            Instant end = Instant.now();
            // the last points reach the server within an interval and are scored within the score interval
            sleep(interval.multipliedBy(2).plusSeconds(3), api);
            out.printf(Locale.ROOT, "bench incidents: the workload ran %d transactions and %d lookups (%d failures)%n",
                    workload.transactions(), workload.lookups(), workload.failures());
            IncidentReport report = new IncidentReport(interval, steadyFrom, end, windows, anomalies(api, instanceId));
            report.print(out);
            new AlertReport(steadyFrom, end, windows, sink.received(), sink.refused()).print(out);
            return settings.smoke() && !report.everyIncidentDetected() ? 1 : 0;
        }

        /** Every incident's notifications to the sink: a webhook receiver (its HMAC key the sink's) and a route for all. */
        private void notifyTo(AdminApi api, AlertSink sink) throws IOException, InterruptedException {
            long receiver = api.postJson("receivers", Map.of("name", "incident-suite", "kind", "webhook",
                    "settings", Map.of("url", sink.url().toString()), "secrets", Map.of("hmacKey", sink.key()))).path("id").asLong();
            Map<String, Object> route = new java.util.LinkedHashMap<>();
            route.put("position", 0);
            route.put("name", "incident suite");
            route.put("matchers", List.of());
            route.put("receiverId", receiver);
            // one incident per instance: the next incident's first alert joins the open one as an update, sent at most
            // once per group interval; a minute keeps it inside the incident's window
            route.put("groupInterval", "1m");
            route.put("continueMatching", false);
            api.postJson("routes", route);
            out.println("bench incidents: alert notifications go to the suite's webhook receiver " + sink.url());
        }

        private Process startCollector(AdminApi api, HttpClient http, ServerProcess server, IncidentCluster cluster)
                throws IOException, InterruptedException, RegistrationException {
            Path dir = Files.createDirectories(workDir.resolve("collector"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Path identity = dir.resolve("identity.json");
            IdentityFile.write(identity, new RegistrationClient(http, Duration.ofSeconds(30)).register(server.apiBase(),
                    new RegistrationRequest(api.registrationToken("incident suite"), "incident-collector", "incident suite", version)));
            Path passwordFile = ownerOnly(dir.resolve("monitor.password"), cluster.monitorPassword() + "\n");
            StringBuilder yaml = new StringBuilder();
            yaml.append("server:\n  url: ").append(server.apiBase()).append("\n  insecure-skip-verify: true\n");
            yaml.append("identity-file: ").append(identity).append('\n');
            yaml.append("spool:\n  dir: ").append(dir.resolve("spool")).append('\n');
            yaml.append("threads: 2\nbatching:\n  max-delay: 200ms\nintervals:\n");
            for (String family : MetricCatalog.names()) {
                // settings change rarely (an hour by default); everything the detectors read at the one interval
                Duration every = family.equals("settings") || family.equals("collector_health")
                        ? Duration.ofMinutes(1) : settings.interval();
                yaml.append("  ").append(family).append(": ").append(every.toMillis()).append("ms\n");
            }
            yaml.append("targets:\n  - name: ").append(INSTANCE_NAME).append('\n')
                    .append("    url: ").append(cluster.targetUrl()).append('\n')
                    .append("    password-file: ").append(passwordFile).append('\n');
            Path config = ownerOnly(dir.resolve("collector.yaml"), yaml.toString());
            return CollectorJvm.of(null, CollectorJvm.RECOMMENDED_ENVIRONMENT).start(config, dir.resolve("collector.log"), 1);
        }

        private long instanceId(AdminApi api, Process collector) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline) {
                if (!collector.isAlive()) {
                    throw new IOException("the collector exited with " + collector.exitValue() + ": see "
                            + workDir.resolve("collector/collector.log"));
                }
                JsonNode items = api.getJson("instances?search=" + INSTANCE_NAME).path("items");
                if (items.size() > 0) {
                    return items.get(0).path("id").asLong();
                }
                Thread.sleep(1_000);
            }
            throw new IOException("the instance never appeared in GET /instances: see " + workDir.resolve("collector/collector.log"));
        }

        /**
         * Waits out the learning points, then until /anomaly-settings says the instance stopped learning (at most ten
         * more intervals: a series without data, such as a standby's, may learn for ever). Returns when it ended.
         */
        private Instant awaitLearning(AdminApi api, long instanceId) throws IOException, InterruptedException {
            sleep(settings.interval().multipliedBy(settings.learningPoints() + 2L), api);
            long deadline = System.nanoTime() + settings.interval().multipliedBy(10).toNanos();
            String state = "unknown";
            while (System.nanoTime() < deadline) {
                try {
                    JsonNode s = api.getJson("instances/" + instanceId + "/anomaly-settings");
                    state = s.path("learning").asBoolean() ? "still learning " + s.path("seriesLearning").asInt() + " of "
                            + s.path("seriesTotal").asInt() + " series" : "learned (" + s.path("seriesTotal").asInt() + " series)";
                    if (!s.path("learning").asBoolean()) {
                        break;
                    }
                } catch (IOException e) {
                    state = "GET /anomaly-settings failed: " + e.getMessage();
                }
                Thread.sleep(1_000);
            }
            out.println("bench incidents: learning over: " + state);
            return Instant.now();
        }

        /** Every anomaly of the instance, all pages. */
        private List<IncidentReport.Anomaly> anomalies(AdminApi api, long instanceId) throws IOException, InterruptedException {
            api.login();
            List<IncidentReport.Anomaly> anomalies = new ArrayList<>();
            String cursor = null;
            do {
                JsonNode page = api.getJson("anomalies?instance=" + instanceId + "&limit=500"
                        + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
                for (JsonNode a : page.path("anomalies")) {
                    anomalies.add(anomaly(a));
                }
                cursor = page.path("next").isTextual() ? page.path("next").asText() : null;
            } while (cursor != null && anomalies.size() < 100_000);
            return anomalies;
        }

        private void sleep(Duration duration, AdminApi api) throws InterruptedException, IOException {
            if (duration.isNegative() || duration.isZero()) {
                return;
            }
            long end = System.nanoTime() + duration.toNanos();
            long nextLogin = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (System.nanoTime() < end) {
                Thread.sleep(Math.min(1_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                if (System.nanoTime() > nextLogin) {
                    api.login();  // access tokens live 15 minutes
                    nextLogin = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                }
            }
        }
    }

    static IncidentReport.Anomaly anomaly(JsonNode a) {
        List<IncidentReport.Hint> hints = new ArrayList<>();
        for (JsonNode h : a.path("hints")) {
            hints.add(new IncidentReport.Hint(h.path("rank").asInt(), h.path("type").asText(), h.path("subject").asText(),
                    h.path("detail").asText(null), h.path("ref").asText(null)));
        }
        return new IncidentReport.Anomaly(a.path("id").asLong(), a.path("series").asText(), a.path("kind").asText(),
                a.path("severity").asText(), Instant.parse(a.path("startedAt").asText()), a.path("score").asDouble(), hints);
    }

    private static Path ownerOnly(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.writeString(file, content);
    }
}

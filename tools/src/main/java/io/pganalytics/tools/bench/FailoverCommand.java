package io.pganalytics.tools.bench;

import io.pganalytics.collector.cli.CommandLine;
import io.pganalytics.collector.cli.UsageException;
import io.pganalytics.collector.register.RegistrationClient;
import io.pganalytics.collector.register.RegistrationException;
import io.pganalytics.collector.ship.ServerTls;
import io.pganalytics.tools.simulate.AcknowledgedBatch;
import io.pganalytics.tools.simulate.SimulateCommand;
import io.pganalytics.tools.simulate.SimulationResult;
import io.pganalytics.common.wire.CollectorIdentity;
import io.pganalytics.common.wire.RegistrationRequest;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * {@code bench failover}: high availability with real parts. Three server nodes (the server jar, clustered through
 * Hazelcast on 127.0.0.1, node 2's member on 127.0.0.2 so that iptables can cut it off alone) share one external PostgreSQL (Debian's postgresql-15, so that a node's death does
 * not take the database), behind a real HAProxy, then a real nginx, each run from the operator's templates in
 * {@code installers/lb}. Simulated collectors (real spools and shippers) ingest through the balancer, query clients read
 * through it and live-stream clients hold {@code /instances/{id}/live} open through it. Faults, one after another on
 * node 2: kill -9; SIGTERM (drain); a partition (node 2's Hazelcast traffic dropped by iptables); the database stopped
 * for 30 s. Per balancer and fault: failed client requests, failover time, acknowledged batches lost (every
 * acknowledged batch looked up in {@code ingest_batch}), duplicates stored (two raw {@code ts.instance} rows for one
 * instance and sample time), and live-stream reconnection time. Exit status 1 when a batch was lost or stored twice, or
 * the spools did not drain. docs/HIGH-AVAILABILITY.md, docs/BENCHMARKS.md "Failover".
 */
public final class FailoverCommand {
    public static final String USAGE = """
            bench failover [--smoke] [--balancer haproxy|nginx|both] [--faults kill,stop,partition,db-restart]
                           [--collectors N] [--interval DURATION] [--outage DURATION] [--settle DURATION]
                           [--server-jar JAR] [--server-heap SIZE] [--lb-dir DIR] [--postgres-bin DIR] [--work-dir DIR]
              Three server nodes on one PostgreSQL behind a real HAProxy and/or nginx (installers/lb templates); N
              simulated collectors (default 20, one batch per --interval, default 1s) ingest, 2 clients query and 3
              stream through the balancer while node 2 is killed (kill -9), stopped (SIGTERM), partitioned from the
              cluster (iptables, for --outage) and the database is stopped for --outage (default 30s); --settle (default
              15s) of calm follows each fault. Prints per balancer and fault: failed requests, failover time,
              acknowledged batches lost, duplicates stored, live-stream reconnection time. --smoke: HAProxy, kill -9
              only, 5 collectors. Exit status 1 if a batch was lost or stored twice.""";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);
    private static final java.util.logging.Logger SHIP_LOG = java.util.logging.Logger.getLogger("io.pganalytics.collector.ship");
    private static final java.util.logging.Logger SPOOL_LOG = java.util.logging.Logger.getLogger("io.pganalytics.collector.spool");
    private static final int NODES = 3;
    /** The node the faults hit (0-based): node 2. */
    private static final int VICTIM = 1;

    enum Fault {
        KILL("kill", "kill -9 of node 2"),
        STOP("stop", "SIGTERM of node 2 (drain)"),
        PARTITION("partition", "node 2's Hazelcast port blocked"),
        DB_RESTART("db-restart", "database stopped");

        final String id;
        final String label;

        Fault(String id, String label) {
            this.id = id;
            this.label = label;
        }

        static Fault of(String id) throws UsageException {
            for (Fault fault : values()) {
                if (fault.id.equals(id)) {
                    return fault;
                }
            }
            throw new UsageException("bench failover: unknown fault '" + id + "' (kill, stop, partition, db-restart)");
        }
    }

    private FailoverCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err, String version)
            throws UsageException, InterruptedException {
        CommandLine line = CommandLine.parse("bench failover", args, Set.of("balancer", "faults", "collectors", "interval",
                "outage", "settle", "server-jar", "server-heap", "lb-dir", "postgres-bin", "work-dir"), Set.of("smoke"));
        boolean smoke = line.flag("smoke");
        List<FailoverBalancer.Kind> balancers = switch (line.value("balancer").orElse(smoke ? "haproxy" : "both")) {
            case "haproxy" -> List.of(FailoverBalancer.Kind.HAPROXY);
            case "nginx" -> List.of(FailoverBalancer.Kind.NGINX);
            case "both" -> List.of(FailoverBalancer.Kind.HAPROXY, FailoverBalancer.Kind.NGINX);
            default -> throw new UsageException("bench failover: --balancer is haproxy, nginx or both");
        };
        List<Fault> faults = new ArrayList<>();
        for (String id : line.value("faults").orElse(smoke ? "kill" : "kill,stop,partition,db-restart").split(",")) {
            faults.add(Fault.of(id.strip()));
        }
        Settings settings = new Settings(balancers, faults, line.integer("collectors", smoke ? 5 : 20, 1, 2000),
                line.duration("interval", Duration.ofSeconds(1)), line.duration("outage", Duration.ofSeconds(30)),
                line.duration("settle", Duration.ofSeconds(15)),
                line.path("server-jar").orElseGet(BenchCommand::defaultServerJar), line.value("server-heap").orElse("384m"),
                line.path("lb-dir").orElse(Path.of("installers", "lb")),
                line.path("postgres-bin").orElse(FailoverDatabase.DEBIAN_BIN), version);
        SHIP_LOG.setLevel(java.util.logging.Level.SEVERE);
        SPOOL_LOG.setLevel(java.util.logging.Level.WARNING);
        boolean temporary = line.value("work-dir").isEmpty();
        Path workDir = null;
        try {
            workDir = temporary ? Files.createTempDirectory("pganalytics-failover")
                    : Files.createDirectories(line.path("work-dir").orElseThrow());
            out.printf(Locale.ROOT, "bench failover: %s; faults %s; %d collectors every %d ms; machine: %d cores, load %s%n",
                    balancers.stream().map(b -> b.label).toList(), faults.stream().map(f -> f.id).toList(),
                    settings.collectors(), settings.interval().toMillis(), Runtime.getRuntime().availableProcessors(), loadAverage());
            List<FailoverReport.Row> rows = new ArrayList<>();
            boolean drained = true;
            for (FailoverBalancer.Kind balancer : balancers) {
                Trial trial = new Trial(settings, balancer, workDir.resolve(balancer.label), out);
                drained &= trial.run(rows);
            }
            out.println();
            out.println("bench failover: machine load at the end " + loadAverage());
            FailoverReport.print(rows, out);
            boolean pass = FailoverReport.pass(rows) && drained;
            out.println("result: " + (pass ? "PASS: no acknowledged batch lost, none stored twice"
                    : drained ? "FAIL: acknowledged batches lost or stored twice" : "FAIL: the spools did not drain"));
            return pass ? 0 : 1;
        } catch (IOException | UncheckedIOException | SQLException | RegistrationException | ExecutionException e) {
            err.println("bench failover: " + e.getMessage());
            return 1;
        } finally {
            if (temporary && workDir != null) {
                BenchCommand.deleteTree(workDir);
            }
        }
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private record Settings(List<FailoverBalancer.Kind> balancers, List<Fault> faults, int collectors, Duration interval,
                            Duration outage, Duration settle, Path serverJar, String heap, Path lbDir, Path postgresBin,
                            String version) {
    }

    /** One balancer's run: its own database, nodes, balancer, collectors and clients, then the faults one by one. */
    private static final class Trial {
        private final Settings settings;
        private final FailoverBalancer.Kind kind;
        private final Path dir;
        private final PrintStream out;
        private final List<ServerProcess> nodes = new ArrayList<>();
        private final int[] hazelcastPorts = new int[NODES];
        private LoopbackAlias alias;
        private Path serverCertificate;

        Trial(Settings settings, FailoverBalancer.Kind kind, Path dir, PrintStream out) {
            this.settings = settings;
            this.kind = kind;
            this.dir = dir;
            this.out = out;
        }

        boolean run(List<FailoverReport.Row> rows) throws IOException, InterruptedException, SQLException,
                RegistrationException, ExecutionException {
            Files.createDirectories(dir);
            Path postgresDir = Files.createTempDirectory("pganalytics-failover-pg");
            alias = LoopbackAlias.add();
            try (LoopbackAlias ignored = alias; FailoverDatabase database = FailoverDatabase.start(settings.postgresBin(), postgresDir)) {
                String adminPassword = randomPassword();
                String kekPassphrase = randomPassword();
                for (int i = 0; i < NODES; i++) {
                    hazelcastPorts[i] = ServerProcess.freePort();
                }
                try {
                    serverCertificate = sharedCertificate();
                    startNodes(database, adminPassword, kekPassphrase);
                    List<FailoverBalancer.Node> addresses = nodes.stream()
                            .map(n -> new FailoverBalancer.Node(n.apiBase().getPort(), n.adminPort())).toList();
                    List<Path> certificates = List.of(serverCertificate);
                    try (FailoverBalancer balancer = FailoverBalancer.start(kind, settings.lbDir(), dir.resolve("lb"), addresses,
                            certificates)) {
                        out.println("bench failover: " + balancer.describe() + " in front of " + NODES + " nodes");
                        return drive(database, balancer, adminPassword, rows);
                    }
                } finally {
                    for (ServerProcess node : nodes) {
                        node.close();
                    }
                }
            } finally {
                BenchCommand.deleteTree(postgresDir);
            }
        }

        private void startNodes(FailoverDatabase database, String adminPassword, String kekPassphrase)
                throws IOException, InterruptedException, ExecutionException {
            StringBuilder members = new StringBuilder();
            for (int i = 0; i < NODES; i++) {
                members.append(i == 0 ? "" : ",").append(hazelcastAddress(i)).append(':').append(hazelcastPorts[i]);
            }
            Path kek = dir.resolve("kek.p12");
            long started = System.nanoTime();
            // node 1 first: it applies the migrations and creates the admin and the key store; then 2 and 3 together
            nodes.add(startNode(0, database, members.toString(), adminPassword, kekPassphrase, kek));
            List<CompletableFuture<ServerProcess>> others = new ArrayList<>();
            for (int i = 1; i < NODES; i++) {
                int index = i;
                others.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return startNode(index, database, members.toString(), adminPassword, kekPassphrase, kek);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }, Executors.newVirtualThreadPerTaskExecutor()));
            }
            for (CompletableFuture<ServerProcess> other : others) {
                nodes.add(other.get());
            }
            out.printf(Locale.ROOT, "bench failover: %d nodes ready after %.1f s (Hazelcast members %s)%n", NODES,
                    (System.nanoTime() - started) / 1e9, members);
        }

        private ServerProcess startNode(int index, FailoverDatabase database, String members, String adminPassword,
                                        String kekPassphrase, Path kek) throws IOException, InterruptedException {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("PGANALYTICS_DATABASE_USER", FailoverDatabase.ROLE);
            env.put("PGANALYTICS_CLUSTER_NAME", "failover-" + kind.label);
            env.put("PGANALYTICS_CLUSTER_JOIN", "members");
            env.put("PGANALYTICS_CLUSTER_MEMBERS", members);
            env.put("PGANALYTICS_CLUSTER_BIND__ADDRESS", hazelcastAddress(index));
            env.put("PGANALYTICS_CLUSTER_PORT", String.valueOf(hazelcastPorts[index]));
            env.put("PGANALYTICS_CLUSTER_PORT__AUTO__INCREMENT", "false");
            env.put("PGANALYTICS_HTTP_TRUSTED__PROXIES", "127.0.0.1");
            env.put("PGANALYTICS_ADMIN_PASSWORD", adminPassword);
            env.put("PGANALYTICS_ENCRYPTION_KEYSTORE_FILE", kek.toString());
            env.put("PGANALYTICS_KEK_PASSPHRASE", kekPassphrase);
            env.put("PGANALYTICS_HTTP_TLS_CERTIFICATE__FILE", serverCertificate.toString());
            env.put("PGANALYTICS_HTTP_TLS_KEY__FILE", serverCertificate.resolveSibling("server.key").toString());
            return ServerProcess.start(settings.serverJar(), dir.resolve("node-" + (index + 1)), settings.heap(), "",
                    database.jdbcUrl(FailoverDatabase.DATABASE), env, READY_TIMEOUT);
        }

        /**
         * One certificate for every node (docs/HIGH-AVAILABILITY.md): the nodes' own generated certificates all name
         * the same subject, and a CA file of several certificates with one subject verifies only the first of them.
         */
        private Path sharedCertificate() throws IOException, InterruptedException {
            Path tls = Files.createDirectories(dir.resolve("tls"));
            Path certificate = tls.resolve("server.crt");
            FailoverDatabase.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", tls.resolve("server.key").toString(), "-out", certificate.toString(), "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"), Duration.ofSeconds(60));
            return certificate;
        }

        /**
         * Node 2's Hazelcast binds to 127.0.0.2 (an address of its own on the loopback interface, so that iptables can
         * cut it off alone), the others to 127.0.0.1; all on 127.0.0.1 when the address could not be added.
         */
        private String hazelcastAddress(int index) {
            return index == VICTIM && alias != null && alias.usable() ? LoopbackAlias.ADDRESS : "127.0.0.1";
        }

        private boolean drive(FailoverDatabase database, FailoverBalancer balancer, String adminPassword,
                              List<FailoverReport.Row> rows) throws IOException, InterruptedException, RegistrationException,
                SQLException, ExecutionException {
            URI base = URI.create("https://127.0.0.1:" + balancer.port());
            HttpClient http = new ServerTls(null, true).newClient(Duration.ofSeconds(2));
            AdminApi api = new AdminApi(http, base, adminPassword);
            // the balancer takes a node in once its health checks pass (HAProxy: rise 2)
            if (!await(Duration.ofMinutes(1), "a sign-in through the balancer", () -> signIn(api))) {
                throw new IOException("no sign-in through " + balancer.describe() + " within a minute: see " + balancer.log());
            }
            RegistrationClient registration = new RegistrationClient(http, Duration.ofSeconds(30));
            List<CollectorIdentity> identities = new ArrayList<>();
            for (int i = 0; i < settings.collectors(); i++) {
                String name = String.format("failover-%04d", i + 1);
                identities.add(registration.register(base, new RegistrationRequest(api.registrationToken("failover " + name),
                        name, "failover " + name, settings.version())));
            }
            SimulateCommand.Plan plan = new SimulateCommand.Plan(base, http, identities, settings.interval(), Duration.ofHours(2),
                    Duration.ofMinutes(3), 64L * 1024 * 1024, dir.resolve("spools"), settings.version());
            AtomicReference<SimulateCommand.LiveSimulation> live = new AtomicReference<>();
            CountDownLatch running = new CountDownLatch(1);
            PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
            CompletableFuture<SimulationResult> simulation = CompletableFuture.supplyAsync(() -> {
                try {
                    return SimulateCommand.drive(plan, quiet, s -> {
                        live.set(s);
                        running.countDown();
                    });
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }, Executors.newVirtualThreadPerTaskExecutor());
            running.await();
            long instanceId = await(Duration.ofMinutes(2), "a first batch stored", () -> firstInstance(database) > 0)
                    ? firstInstance(database) : -1;
            if (instanceId < 0) {
                throw new IOException("no batch was stored within 2 minutes: see " + nodes.getFirst().log());
            }
            Thread refresher = Thread.ofVirtual().name("failover-login").start(() -> refreshLogin(api));
            List<Window> windows = new ArrayList<>();
            try (FailoverClients clients = new FailoverClients(http, base, api::accessToken)) {
                clients.start(2, 3, instanceId);
                if (!await(Duration.ofMinutes(1), "the live streams open", clients::streamsConnected)) {
                    throw new IOException("the live streams did not open within a minute: see " + balancer.log());
                }
                pause(settings.settle());
                for (Fault fault : settings.faults()) {
                    windows.add(inject(fault, database));
                }
                live.get().stopGenerating();
                SimulationResult result = simulation.get();
                long end = System.nanoTime();
                Instant endAt = Instant.now();
                refresher.interrupt();
                List<FailoverClients.Request> requests = clients.requests();
                List<FailoverClients.Reconnect> reconnects = clients.reconnects();
                out.printf(Locale.ROOT, "bench failover (%s): collectors: %d batches generated, %d acknowledged, %d failed "
                                + "attempts, %d undelivered%s%n", kind.label, result.generated(), result.acknowledged(),
                        result.failedAttempts(), result.pending(), result.drained() ? "" : " (the spools did not drain)");
                Set<String> stored = storedBatches(database);
                Map<Instant, Long> duplicates = duplicateSamples(database);
                List<AcknowledgedBatch> acknowledged = live.get().acknowledged();
                for (int i = 0; i < windows.size(); i++) {
                    Window window = windows.get(i);
                    long to = i + 1 < windows.size() ? windows.get(i + 1).startNanos() : end;
                    Instant toAt = i + 1 < windows.size() ? windows.get(i + 1).startAt() : endAt;
                    long acked = 0;
                    long lost = 0;
                    for (AcknowledgedBatch batch : acknowledged) {
                        if (!batch.acknowledgedAt().isBefore(window.startAt()) && batch.acknowledgedAt().isBefore(toAt)) {
                            acked++;
                            if (!stored.contains(batch.collectorId() + " " + batch.batchId())) {
                                lost++;
                            }
                        }
                    }
                    long twice = duplicates.entrySet().stream()
                            .filter(e -> !e.getKey().isBefore(window.startAt()) && e.getKey().isBefore(toAt))
                            .mapToLong(Map.Entry::getValue).sum();
                    rows.add(FailoverReport.row(kind.label, window.fault().label, window.startNanos(), to, requests, reconnects,
                            acked, lost, twice, window.note(), window.returnedNanos()));
                }
                long lostOverall = acknowledged.stream().filter(b -> !stored.contains(b.collectorId() + " " + b.batchId())).count();
                long duplicatesOverall = duplicates.values().stream().mapToLong(Long::longValue).sum();
                out.printf(Locale.ROOT, "bench failover (%s): over the whole run %d acknowledged batches, %d lost, %d duplicate samples stored%n",
                        kind.label, acknowledged.size(), lostOverall, duplicatesOverall);
                return result.drained() && lostOverall == 0 && duplicatesOverall == 0;
            } finally {
                refresher.interrupt();
            }
        }

        /**
         * A fault, its recovery and the calm after it; {@code returnedNanos}: when the database accepted connections
         * again (0 for the faults that do not stop it).
         */
        private record Window(Fault fault, long startNanos, Instant startAt, String note, long returnedNanos) {
            Window(Fault fault, long startNanos, Instant startAt, String note) {
                this(fault, startNanos, startAt, note, 0);
            }
        }

        private Window inject(Fault fault, FailoverDatabase database) throws IOException, InterruptedException {
            ServerProcess victim = nodes.get(VICTIM);
            long start = System.nanoTime();
            Instant startAt = Instant.now();
            String note = null;
            long returned = 0;
            switch (fault) {
                case KILL -> {
                    victim.killJvm();
                    out.printf(Locale.ROOT, "bench failover (%s): node 2 killed (SIGKILL)%n", kind.label);
                    victim.restart(READY_TIMEOUT);
                    out.printf(Locale.ROOT, "bench failover (%s): node 2 ready again %.1f s after the kill%n", kind.label,
                            (System.nanoTime() - start) / 1e9);
                }
                case STOP -> {
                    boolean stopped = victim.stopGracefully(Duration.ofSeconds(90));
                    out.printf(Locale.ROOT, "bench failover (%s): node 2 %s %.1f s after SIGTERM%n", kind.label,
                            stopped ? "exited" : "still running", (System.nanoTime() - start) / 1e9);
                    if (!stopped) {
                        victim.killJvm();
                    }
                    victim.restart(READY_TIMEOUT);
                }
                case PARTITION -> {
                    String unusable = alias.usable() ? Partition.unusable() : alias.problem();
                    if (unusable != null) {
                        note = "not run: " + unusable;
                        out.printf(Locale.ROOT, "bench failover (%s): partition %s%n", kind.label, note);
                        return new Window(fault, start, startAt, note);
                    }
                    try (Partition ignored = Partition.cut(hazelcastAddress(VICTIM), hazelcastPorts)) {
                        out.printf(Locale.ROOT, "bench failover (%s): node 2's Hazelcast traffic dropped (iptables) for %d s%n",
                                kind.label, settings.outage().toSeconds());
                        pause(settings.outage());
                    }
                    out.printf(Locale.ROOT, "bench failover (%s): partition healed%n", kind.label);
                }
                case DB_RESTART -> {
                    database.stopServer();
                    out.printf(Locale.ROOT, "bench failover (%s): database stopped for %d s%n", kind.label,
                            settings.outage().toSeconds());
                    pause(settings.outage());
                    database.startServer();  // pg_ctl start -w: returns once PostgreSQL accepts connections
                    returned = System.nanoTime();
                    out.printf(Locale.ROOT, "bench failover (%s): database started again%n", kind.label);
                }
            }
            HttpClient admin = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            if (!await(READY_TIMEOUT, "every node ready", () -> nodes.stream().allMatch(n -> ready(n, admin)))) {
                note = "not every node was ready again within " + READY_TIMEOUT.toMinutes() + " min";
            }
            pause(settings.settle());
            return new Window(fault, start, startAt, note, returned);
        }

        private static boolean ready(ServerProcess node, HttpClient admin) {
            try {
                return node.ready(admin);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private static boolean signIn(AdminApi api) {
            try {
                api.login();
                return true;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private static void refreshLogin(AdminApi api) {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(Duration.ofMinutes(5));
                    api.login();
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    // a fault may be on; the next round signs in again
                }
            }
        }

        private static long firstInstance(FailoverDatabase database) {
            try (Connection c = database.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT coalesce(min(id), 0) FROM monitored_instance")) {
                rs.next();
                return rs.getLong(1);
            } catch (SQLException e) {
                return 0;
            }
        }

        private static Set<String> storedBatches(FailoverDatabase database) throws SQLException {
            Set<String> stored = new HashSet<>();
            try (Connection c = database.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT collector_id, batch_id FROM ingest_batch")) {
                while (rs.next()) {
                    stored.add(rs.getString(1) + " " + rs.getString(2));
                }
            }
            return stored;
        }

        /**
         * Samples stored more than once, by sample time: the instance family has one row per instance and sample, so
         * a second raw row for one (instance, collected_at) is a batch's rows written twice.
         */
        private static Map<Instant, Long> duplicateSamples(FailoverDatabase database) throws SQLException {
            Map<Instant, Long> duplicates = new HashMap<>();
            try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("""
                    SELECT collected_at, count(*) - 1 FROM ts.instance GROUP BY instance_id, collected_at HAVING count(*) > 1""");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    duplicates.merge(rs.getTimestamp(1).toInstant(), rs.getLong(2), Long::sum);
                }
            }
            return duplicates;
        }

        private static boolean await(Duration limit, String what, BooleanSupplier done) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (System.nanoTime() < deadline) {
                if (done.getAsBoolean()) {
                    return true;
                }
                Thread.sleep(200);
            }
            return done.getAsBoolean();
        }

        /** The fault's own duration (an outage held, or the calm after a fault): a wait, not a poll. */
        private static void pause(Duration duration) throws InterruptedException {
            new CountDownLatch(1).await(duration.toNanos(), TimeUnit.NANOSECONDS);
        }

        private static String randomPassword() {
            String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
            SecureRandom random = new SecureRandom();
            StringBuilder password = new StringBuilder();
            for (int i = 0; i < 24; i++) {
                password.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return password.toString();
        }
    }

    /**
     * 127.0.0.2 on the loopback interface for node 2's Hazelcast member (Hazelcast binds only to an interface's address):
     * added with {@code ip addr add} when no interface has it (root), and removed again at the end.
     */
    static final class LoopbackAlias implements AutoCloseable {
        static final String ADDRESS = "127.0.0.2";
        private final boolean added;
        private final String problem;

        private LoopbackAlias(boolean added, String problem) {
            this.added = added;
            this.problem = problem;
        }

        static LoopbackAlias add() throws InterruptedException {
            try {
                if (java.net.NetworkInterface.networkInterfaces().flatMap(java.net.NetworkInterface::inetAddresses)
                        .anyMatch(a -> a.getHostAddress().equals(ADDRESS))) {
                    return new LoopbackAlias(false, null);
                }
                FailoverDatabase.run(List.of("ip", "addr", "add", ADDRESS + "/32", "dev", "lo"), Duration.ofSeconds(20));
                return new LoopbackAlias(true, null);
            } catch (IOException e) {
                return new LoopbackAlias(false, "node 2 could not get an address of its own (" + ADDRESS + " on lo: "
                        + e.getMessage().lines().findFirst().orElse("") + "): run as root");
            }
        }

        boolean usable() {
            return problem == null;
        }

        String problem() {
            return problem;
        }

        @Override
        public void close() throws IOException, InterruptedException {
            if (added) {
                FailoverDatabase.run(List.of("ip", "addr", "del", ADDRESS + "/32", "dev", "lo"), Duration.ofSeconds(20));
            }
        }
    }

    /**
     * A network partition of one node from the cluster: iptables drops every TCP segment between its Hazelcast address
     * and the members' ports, both ways; the API, admin and database traffic (on 127.0.0.1) is untouched. Closing removes
     * exactly the rules it added.
     */
    static final class Partition implements AutoCloseable {
        private final List<List<String>> rules;

        private Partition(List<List<String>> rules) {
            this.rules = rules;
        }

        /** Why a partition cannot be made here, or null when it can (iptables present and usable: root with NET_ADMIN). */
        static String unusable() {
            try {
                FailoverDatabase.run(List.of("iptables", "-w", "-L", "INPUT", "-n"), Duration.ofSeconds(20));
                return null;
            } catch (IOException e) {
                return "iptables is not usable here (" + e.getMessage().lines().findFirst().orElse("") + "): install it and run as root";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }

        static List<List<String>> rules(String address, int[] ports) {
            StringBuilder list = new StringBuilder();
            for (int port : ports) {
                list.append(list.isEmpty() ? "" : ",").append(port);
            }
            List<List<String>> rules = new ArrayList<>();
            for (String direction : List.of("-s", "-d")) {
                rules.add(List.of("INPUT", "-p", "tcp", direction, address, "-m", "multiport", "--ports", list.toString(),
                        "-m", "comment", "--comment", "pganalytics-failover-bench", "-j", "DROP"));
            }
            return rules;
        }

        static Partition cut(String address, int[] ports) throws IOException, InterruptedException {
            List<List<String>> added = new ArrayList<>();
            Partition partition = new Partition(added);
            try {
                for (List<String> rule : rules(address, ports)) {
                    List<String> command = new ArrayList<>(List.of("iptables", "-w", "-I"));
                    command.addAll(rule);
                    FailoverDatabase.run(command, Duration.ofSeconds(20));
                    added.add(rule);
                }
                return partition;
            } catch (IOException | InterruptedException e) {
                partition.close();
                throw e;
            }
        }

        @Override
        public void close() throws IOException, InterruptedException {
            IOException failed = null;
            for (List<String> rule : rules) {
                List<String> command = new ArrayList<>(List.of("iptables", "-w", "-D"));
                command.addAll(rule);
                try {
                    FailoverDatabase.run(command, Duration.ofSeconds(20));
                } catch (IOException e) {
                    failed = e;
                }
            }
            if (failed != null) {
                throw failed;
            }
        }
    }
}

package io.pganalytics.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.config.MapConfig;
import io.helidon.config.Config;
import io.helidon.http.DirectHandler;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.audit.AuditConfig;
import io.pganalytics.server.alerting.AlertingConfig;
import io.pganalytics.server.alerting.AlertingFeature;
import io.pganalytics.server.anomaly.AnomalyFeature;
import io.pganalytics.server.anomaly.AnomalyConfig;
import io.pganalytics.server.audit.AuditFeature;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.audit.people.PeopleFeature;
import io.pganalytics.server.auth.AuthConfig;
import io.pganalytics.server.auth.AuthFeature;
import io.pganalytics.server.auth.provider.ProviderKind;
import io.pganalytics.server.backup.BackupConfig;
import io.pganalytics.server.backup.BackupEngines;
import io.pganalytics.server.backup.BackupFeature;
import io.pganalytics.server.cluster.ClusterConfig;
import io.pganalytics.server.cluster.ClusterModule;
import io.pganalytics.server.cluster.NodeRegistry;
import io.pganalytics.server.collectors.CollectorsConfig;
import io.pganalytics.server.collectors.CollectorsFeature;
import io.pganalytics.server.crypto.CryptoFeature;
import io.pganalytics.server.crypto.EncryptionConfig;
import io.pganalytics.server.crypto.SealedFiles;
import io.pganalytics.server.series.SettingValues;
import io.pganalytics.server.series.StatementTexts;
import io.pganalytics.server.db.DatabaseConfig;
import io.pganalytics.server.db.DatabaseModule;
import io.pganalytics.server.db.WalArchiving;
import io.pganalytics.server.health.AdminRoutes;
import io.pganalytics.server.health.HealthCheck;
import io.pganalytics.server.http.ApiCalls;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.CallerAuthenticator;
import io.pganalytics.server.http.ConnectionGuard;
import io.pganalytics.server.http.EnvelopeDirectHandler;
import io.pganalytics.server.http.ErrorMapping;
import io.pganalytics.server.http.GzipRequestDecoding;
import io.pganalytics.server.http.HttpConfig;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.http.OpenApiRoutes;
import io.pganalytics.server.http.RequestGate;
import io.pganalytics.server.http.RequestScreen;
import io.pganalytics.server.http.SecurityHeaders;
import io.pganalytics.server.http.RouteCatalog;
import io.pganalytics.server.http.TlsMaterial;
import io.pganalytics.server.http.TrustedProxies;
import io.pganalytics.server.ingest.IngestConfig;
import io.pganalytics.server.ingest.IngestFeature;
import io.pganalytics.server.ingest.IngestListener;
import io.pganalytics.server.live.LiveConfig;
import io.pganalytics.server.live.LiveFeature;
import io.pganalytics.server.maintenance.MaintenanceConfig;
import io.pganalytics.server.maintenance.MaintenanceFeature;
import io.pganalytics.server.metrics.MetricsRegistry;
import io.pganalytics.server.query.QueryConfig;
import io.pganalytics.server.query.QueryFeature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One running server node: the composition root. Builds every feature by hand in dependency order (database,
 * cluster, features, HTTP) and, on {@link #close()}, drains requests and stops them in reverse.
 */
public final class PgAnalyticsServer implements AutoCloseable {
    public static final String API_PREFIX = "/api/v1";
    private static final Logger LOG = LoggerFactory.getLogger(PgAnalyticsServer.class);

    private final Deque<AutoCloseable> resources;
    private final WebServer webServer;
    private final RequestGate gate;
    private final RouteCatalog routes;
    private final Optional<TlsMaterial> tls;
    private final HttpConfig http;
    private final DatabaseModule database;
    private final ClusterModule cluster;
    private final ServerConfig serverConfig;
    private final CollectorsFeature collectors;
    private final LiveFeature live;
    private final QueryFeature query;
    private final CryptoFeature crypto;
    private final AuditFeature audit;
    private final Confirmations confirmations;
    private final List<IngestListener> ingestListeners;

    private PgAnalyticsServer(Deque<AutoCloseable> resources, WebServer webServer, RequestGate gate, RouteCatalog routes,
                              Optional<TlsMaterial> tls, HttpConfig http, DatabaseModule database, ClusterModule cluster,
                              ServerConfig serverConfig, CollectorsFeature collectors, LiveFeature live, QueryFeature query,
                              CryptoFeature crypto, AuditFeature audit, Confirmations confirmations, List<IngestListener> ingestListeners) {
        this.resources = resources;
        this.webServer = webServer;
        this.gate = gate;
        this.routes = routes;
        this.tls = tls;
        this.http = http;
        this.database = database;
        this.cluster = cluster;
        this.serverConfig = serverConfig;
        this.collectors = collectors;
        this.live = live;
        this.query = query;
        this.crypto = crypto;
        this.audit = audit;
        this.confirmations = confirmations;
        this.ingestListeners = List.copyOf(ingestListeners);
    }

    /**
     * Starts a node. Every configuration record is read and validated before anything starts, so that a bad or unknown
     * key stops start-up at once with its name ({@link ServerConfiguration}).
     */
    public static PgAnalyticsServer start(Config config, Map<String, String> environment, Clock clock) {
        return start(config, environment, clock, List.of());
    }

    /** As {@link #start(Config, Map, Clock)}, knowing identity provider kinds besides the server's own (a test's). */
    public static PgAnalyticsServer start(Config config, Map<String, String> environment, Clock clock,
                                          List<ProviderKind> extraProviderKinds) {
        ServerConfiguration configuration = ServerConfiguration.read(config);
        ServerConfig serverConfig = configuration.server();
        HttpConfig http = configuration.http();
        DatabaseConfig databaseConfig = configuration.database();
        ClusterConfig clusterConfig = configuration.cluster();
        AuthConfig authConfig = configuration.auth();
        CollectorsConfig collectorsConfig = configuration.collectors();
        IngestConfig ingestConfig = configuration.ingest();
        QueryConfig queryConfig = configuration.query();
        LiveConfig liveConfig = configuration.live();
        MaintenanceConfig maintenanceConfig = configuration.maintenance();
        EncryptionConfig encryptionConfig = configuration.encryption();
        AuditConfig auditConfig = configuration.audit();
        BackupConfig backupConfig = configuration.backup();
        AnomalyConfig anomalyConfig = configuration.anomaly();
        AlertingConfig alertingConfig = configuration.alerting();

        Deque<AutoCloseable> resources = new ArrayDeque<>();
        try {
            io.pganalytics.server.files.OwnerOnly.directory(serverConfig.dataDir());
            LOG.info("pgAnalytics server {} starting as node {}, data directory {}", version(), serverConfig.nodeName(), serverConfig.dataDir());
            ObjectMapper mapper = JsonMapping.newMapper();
            MetricsRegistry metrics = new MetricsRegistry();
            JsonBodies bodies = new JsonBodies(mapper, http.maxBodyBytes());

            // the embedded database archives its WAL from its first start when its engine will back it up
            Optional<WalArchiving> archiving = backupConfig.enabled() && databaseConfig.embedded()
                    && BackupEngines.choose(backupConfig, true) == BackupConfig.Engine.EMBEDDED
                    ? Optional.of(new WalArchiving(BackupConfig.walOutbox(serverConfig.dataDir()), backupConfig.archiveTimeout()))
                    : Optional.empty();
            DatabaseModule database = DatabaseModule.start(databaseConfig, serverConfig.dataDir(), clock, archiving);
            resources.push(database);
            ClusterModule cluster = ClusterModule.start(clusterConfig, serverConfig.nodeName(), List.of(
                    IngestFeature.clusterConfig(ingestConfig), QueryFeature.clusterConfig(queryConfig), LiveFeature.clusterConfig(liveConfig)));
            resources.push(cluster);
            resources.push(new NodeRegistry(database.dataSource(), serverConfig.nodeName(), hostName(), version(), clock));
            CryptoFeature crypto = CryptoFeature.start(encryptionConfig, database.dataSource(), cluster.hazelcast(), serverConfig.nodeName(),
                    serverConfig.dataDir(), environment, clock);
            resources.push(crypto);
            AuditFeature audit = new AuditFeature(auditConfig, database.dataSource(), crypto, serverConfig.nodeName(), clock, metrics);
            resources.push(audit);
            audit.start();
            audit.startIntegrity(cluster.hazelcast(), serverConfig.dataDir(), bodies);
            audit.startForwarding(cluster.hazelcast(), environment);

            AuthFeature auth = new AuthFeature(authConfig, database.ebean(), crypto, cluster.hazelcast(), bodies, clock,
                    serverConfig.dataDir(), environment, audit.log(), extraProviderKinds);
            resources.push(auth);
            auth.start();
            Confirmations confirmations = new Confirmations(cluster.hazelcast(), audit.log(), auth.stepUp(), clock,
                    auditConfig.confirmationTtl());
            PeopleFeature people = new PeopleFeature(database.dataSource(), audit, auth.people(), confirmations, cluster.hazelcast(), bodies, clock);
            resources.push(people);

            CollectorsFeature collectors = new CollectorsFeature(collectorsConfig, database.ebean(), cluster.hazelcast(), bodies, clock,
                    audit.log());
            resources.push(collectors);
            collectors.start();

            QueryFeature query = new QueryFeature(queryConfig, database.dataSource(), cluster.hazelcast(), bodies, mapper,
                    metrics, clock, crypto.sealer());
            LiveFeature live = new LiveFeature(liveConfig, cluster.hazelcast(), mapper, metrics, query::instanceExists,
                    query::latestFigures, auth.sessionRevocations(), clock);
            resources.push(live);
            // Cache invalidation first: a live event may make a client ask for the new data at once.
            AnomalyFeature anomalies = new AnomalyFeature(anomalyConfig, database.dataSource(), cluster.hazelcast(), serverConfig.nodeName(),
                    clock, metrics, maintenanceConfig, live, crypto.sealer());
            resources.push(anomalies);
            AlertingFeature alerting = new AlertingFeature(alertingConfig, database.dataSource(), cluster.hazelcast(),
                    serverConfig.nodeName(), clock, metrics, maintenanceConfig, live, crypto, anomalyConfig.detector().threshold());
            resources.push(alerting);
            List<IngestListener> ingestListeners = new ArrayList<>(List.of(query.ingestListener(), live.ingestListener(),
                    new CollectorHeartbeatListener(collectors), anomalies.ingestListener(), alerting.ingestListener()));
            IngestFeature ingest = new IngestFeature(ingestConfig, database.dataSource(), database.dialect(), cluster.hazelcast(),
                    bodies, mapper, metrics, clock, ingestListeners, encryptionConfig.statementTexts() ? crypto.sealer() : null,
                    encryptionConfig.settings() ? crypto.sealer() : null, audit.log(), auditConfig.ingestWindow());
            // registered whether the options are on or not: values sealed while one was on are re-sealed by rotations
            crypto.register(StatementTexts.SEALED);
            crypto.register(SettingValues.SEALED);
            resources.push(ingest);

            MaintenanceFeature maintenance = new MaintenanceFeature(maintenanceConfig, database.dataSource(), database.dialect(),
                    cluster.hazelcast(), clock, metrics, ingest.partitions());
            resources.push(maintenance);
            maintenance.start();

            BackupFeature backup = new BackupFeature(backupConfig, database, crypto, cluster.hazelcast(), serverConfig.nodeName(),
                    serverConfig.dataDir(), clock, metrics, audit.log(), environment);
            resources.push(backup);
            backup.start();
            anomalies.start();
            alerting.start();

            List<ApiService> services = new ArrayList<>(auth.routes(confirmations));
            services.addAll(collectors.routes(confirmations));
            services.addAll(ingest.routes());
            services.addAll(query.routes());
            services.addAll(live.routes());
            services.addAll(crypto.routes(bodies, confirmations, audit.log()));
            services.addAll(audit.routes());
            services.addAll(people.routes());
            services.addAll(maintenance.routes(bodies, confirmations, audit.log()));
            services.addAll(backup.routes(bodies, confirmations, audit.log()));
            services.addAll(anomalies.routes(bodies, audit.log()));
            services.addAll(alerting.routes(bodies, audit.log(), confirmations));
            services.add(new OpenApiRoutes());

            registerProcessMetrics(metrics, database, cluster);
            RequestGate gate = new RequestGate(metrics, bodies, cluster::lostCluster);
            SecurityHeaders securityHeaders = new SecurityHeaders(http.tls().enabled());
            RequestScreen screen = new RequestScreen(securityHeaders, bodies, http.publicApiUrl(API_PREFIX));
            RouteCatalog catalog = new RouteCatalog();
            HttpRouting.Builder api = HttpRouting.builder();
            routing(api, new ApiCalls(http.trustedProxies(), audit.apiCalls()), gate, screen, bodies, auth.userAuthenticator(),
                    collectors.collectorAuthenticator(), catalog, services);

            AdminRoutes admin = new AdminRoutes(List.of(
                    new HealthCheck("database", () -> database.isReachable(Duration.ofSeconds(2)) ? null : "the database does not answer"),
                    new HealthCheck("cluster", cluster::readinessProblem)),
                    gate::draining, metrics, mapper);
            resources.push(admin);

            Optional<TlsMaterial> tls = http.tls().enabled()
                    ? Optional.of(TlsMaterial.load(http.tls(), serverConfig.dataDir(), clock,
                            new SealedFiles(database.dataSource(), crypto.keys(), serverConfig.nodeName(), clock)))
                    : Optional.empty();
            ConnectionGuard guard = new ConnectionGuard(http);
            resources.push(guard);
            WebServerConfig.Builder builder = WebServer.builder()
                    .featuresDiscoverServices(false)
                    .shutdownHook(false)
                    .host(http.host())
                    .port(http.port())
                    .shutdownGracePeriod(http.shutdownGrace())
                    // without it a response written in two segments (headers, then a body of a few KiB) waits for the
                    // client's delayed ACK: 40 ms added to every larger answer (seen in the dashboard benchmark)
                    .connectionOptions(options -> options.tcpNoDelay(true))
                    // slow-header, slow-body and idle-TLS connections are closed (ConnectionGuard)
                    .idleConnectionTimeout(guard.idleTimeout())
                    .idleConnectionPeriod(guard.idlePeriod())
                    // our HTTP/1.1 settings only: a second, discovered HTTP/1.1 provider would make the listener
                    // unable to pick one for what is not HTTP/1.1 (HTTP/1.0 would be dropped without an answer)
                    .protocolsDiscoverServices(false)
                    .addProtocol(Http1Config.builder().addReceiveListener(guard.headerListener()).build())
                    // gzip request bodies only, inflated lazily as handlers read (their limits stop zip bombs)
                    .contentEncoding(ContentEncodingContext.create(encodings -> encodings
                            .contentEncodingsDiscoverServices(false)
                            .addContentEncoding(new GzipRequestDecoding(ingestConfig.maxCompressedBytes(), "ingest.max-compressed-bytes"))))
                    .directHandlers(envelopes(mapper, securityHeaders))
                    .routing(api)
                    .putSocket("admin", socket -> socket
                            .host(http.adminHost())
                            .port(http.adminPort())
                            .routing(routing -> routing.register(admin)));
            tls.ifPresent(material -> builder.tls(t -> t.sslContext(guard.guard(material.sslContext()))));
            WebServer webServer = builder.build().start();
            if (!tls.isPresent()) {
                LOG.warn("http.tls.enabled is false: the API is served over plain HTTP; use this only behind a TLS-terminating proxy");
            }
            LOG.info("API listening on {}://{}:{}{}", tls.isPresent() ? "https" : "http", http.host(), webServer.port(), API_PREFIX);
            LOG.info("admin listening on http://{}:{} (/health/live, /health/ready, /metrics)", http.adminHost(), webServer.port("admin"));
            writeRuntimeFile(serverConfig, http, webServer, tls, database, mapper);
            return new PgAnalyticsServer(resources, webServer, gate, catalog, tls, http, database, cluster, serverConfig, collectors,
                    live, query, crypto, audit, confirmations, ingestListeners);
        } catch (IOException e) {
            closeAll(resources);
            throw new UncheckedIOException("starting the server in " + serverConfig.dataDir(), e);
        } catch (RuntimeException | Error e) {
            closeAll(resources);
            throw e;
        }
    }

    private static void writeRuntimeFile(ServerConfig serverConfig, HttpConfig http, WebServer webServer, Optional<TlsMaterial> tls,
                                         DatabaseModule database, ObjectMapper mapper) {
        String api = (tls.isPresent() ? "https" : "http") + "://" + RuntimeFile.localHost(http.host()) + ":" + webServer.port() + API_PREFIX;
        String admin = "http://" + RuntimeFile.localHost(http.adminHost()) + ":" + webServer.port("admin");
        RuntimeFile.Content content = new RuntimeFile.Content(api, admin, ProcessHandle.current().pid(), serverConfig.nodeName(),
                Instant.now(), tls.map(TlsMaterial::fingerprint).orElse(null),
                database.embeddedPort().isPresent() ? database.embeddedPort().getAsInt() : null);
        LOG.info("runtime information written to {}", RuntimeFile.write(serverConfig.dataDir(), content, mapper));
    }

    /** The API routing: the request gate, every feature's routes, the error mapping and the 404 fallback. */
    static void routing(HttpRouting.Builder api, RequestGate gate, RequestScreen screen, JsonBodies bodies, CallerAuthenticator users,
                        CallerAuthenticator collectors, RouteCatalog catalog, List<ApiService> services) {
        routing(api, new ApiCalls(TrustedProxies.NONE, null), gate, screen, bodies, users, collectors, catalog, services);
    }

    /** As above, with the filter that settles each call's client and records the call (first, so that it sees every answer). */
    static void routing(HttpRouting.Builder api, ApiCalls calls, RequestGate gate, RequestScreen screen, JsonBodies bodies,
                        CallerAuthenticator users, CallerAuthenticator collectors, RouteCatalog catalog, List<ApiService> services) {
        api.addFilter(calls);
        api.addFilter(gate);
        api.addFilter(screen);
        ErrorMapping.register(api, bodies);
        ApiRules rules = new ApiRules(api, API_PREFIX, users, collectors, catalog);
        for (ApiService service : services) {
            service.register(rules);
        }
        ErrorMapping.registerFallback(api, "/api", catalog);
    }

    private static DirectHandlers envelopes(ObjectMapper mapper, SecurityHeaders securityHeaders) {
        DirectHandlers.Builder handlers = DirectHandlers.builder();
        EnvelopeDirectHandler envelope = new EnvelopeDirectHandler(mapper, securityHeaders);
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            handlers.addHandler(type, envelope);
        }
        return handlers.build();
    }

    private static void registerProcessMetrics(MetricsRegistry metrics, DatabaseModule database, ClusterModule cluster) {
        var memory = ManagementFactory.getMemoryMXBean();
        var runtime = ManagementFactory.getRuntimeMXBean();
        var threads = ManagementFactory.getThreadMXBean();
        metrics.gauge("pganalytics_jvm_heap_used_bytes", "JVM heap in use", () -> memory.getHeapMemoryUsage().getUsed());
        metrics.gauge("pganalytics_jvm_heap_max_bytes", "JVM heap limit", () -> memory.getHeapMemoryUsage().getMax());
        metrics.gauge("pganalytics_jvm_threads", "live JVM threads", threads::getThreadCount);
        metrics.gauge("pganalytics_uptime_seconds", "seconds since this node started", () -> runtime.getUptime() / 1000.0);
        metrics.gauge("pganalytics_db_pool_active_connections", "database connections in use", database::activeConnections);
        metrics.gauge("pganalytics_db_pool_idle_connections", "idle database connections", database::idleConnections);
        metrics.gauge("pganalytics_cluster_members", "Hazelcast members this node sees", cluster::memberCount);
    }

    public int port() {
        return webServer.port();
    }

    public int adminPort() {
        return webServer.port("admin");
    }

    public boolean tlsEnabled() {
        return tls.isPresent();
    }

    /** The API's base URL as reached from this host, e.g. {@code https://127.0.0.1:8443/api/v1}. */
    public String apiUrl() {
        return (tls.isPresent() ? "https" : "http") + "://127.0.0.1:" + port() + API_PREFIX;
    }

    public Optional<TlsMaterial> tls() {
        return tls;
    }

    public RouteCatalog routes() {
        return routes;
    }

    public DatabaseModule database() {
        return database;
    }

    public ClusterModule cluster() {
        return cluster;
    }

    /** Anomaly detection on this node (found among the resources, so that the constructor keeps its shape). */
    public AlertingFeature alerting() {
        return resources.stream().filter(AlertingFeature.class::isInstance).map(AlertingFeature.class::cast).findFirst().orElseThrow();
    }

    public AnomalyFeature anomalies() {
        return resources.stream().filter(AnomalyFeature.class::isInstance).map(AnomalyFeature.class::cast).findFirst().orElseThrow();
    }

    /** Backup and recovery on this node (found among the resources, so that the constructor keeps its shape). */
    public BackupFeature backup() {
        return resources.stream().filter(BackupFeature.class::isInstance).map(BackupFeature.class::cast).findFirst().orElseThrow();
    }

    /** Encryption at rest: the key service and the sealed columns. */
    public CryptoFeature crypto() {
        return crypto;
    }

    /** The audit trail: its log, person keys and views. */
    public AuditFeature audit() {
        return audit;
    }

    /**
     * The two-step confirmation of destructive and security-relevant admin actions: a route that needs one calls
     * {@link Confirmations#require} after validating its body and before changing anything.
     */
    public Confirmations confirmations() {
        return confirmations;
    }

    /** Collector identities and heartbeats: the ingest records each accepted batch's activity here. */
    public CollectorsFeature collectors() {
        return collectors;
    }

    /**
     * Tells this node's ingest listeners (query cache, live stream) of a stored batch, as the ingest does after each
     * commit: for tests that put data in with SQL, and for tools that replay batches.
     */
    public void afterIngest(io.pganalytics.server.ingest.StoredBatch batch) {
        for (IngestListener listener : ingestListeners) {
            listener.stored(batch);
        }
    }

    public LiveFeature live() {
        return live;
    }

    public QueryFeature query() {
        return query;
    }

    /** Where this node keeps its embedded database, TLS material and runtime file. */
    public java.nio.file.Path dataDir() {
        return serverConfig.dataDir();
    }

    public String nodeName() {
        return serverConfig.nodeName();
    }

    /**
     * Graceful stop: refuse new requests, let those in flight finish (bounded by {@code http.shutdown-grace}), stop the
     * listeners, leave the cluster (handing partitions over), stop the database.
     */
    @Override
    public void close() {
        // Live streams never end by themselves: end them first, or the drain would wait for them its whole grace.
        live.endStreams();
        try {
            int left = gate.drain(http.shutdownGrace());
            if (left > 0) {
                LOG.warn("{} request(s) still in flight after {}: stopping anyway", left, http.shutdownGrace());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        webServer.stop();
        closeAll(resources);
        RuntimeFile.delete(serverConfig.dataDir());
        LOG.info("pgAnalytics server node {} stopped", serverConfig.nodeName());
    }

    private static void closeAll(Deque<AutoCloseable> resources) {
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("stopping {}: {}", resource.getClass().getSimpleName(), e.getMessage());
            }
        }
    }

    static String version() {
        String version = PgAnalyticsServer.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}

package io.pganalytics.console.testing;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.auth.provider.ProviderKind;
import io.pganalytics.server.testing.TestServers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A real pgAnalytics server for console tests, on an embedded PostgreSQL shared by the test JVM, that can be stopped
 * and started again at the same address with the same certificate and data.
 * <p>
 * Why not the harness's {@code SharedPostgres}: the server's jar (which the reactor puts on this module's test class
 * path) names its libraries in its manifest, so the PostgreSQL binaries are found twice and zonky's default
 * resolver refuses to choose. This one takes the first.
 */
public final class TestServer implements AutoCloseable {
    private static EmbeddedPostgres postgres;

    private final String databaseUrl;
    private final Map<String, String> overrides;
    private final List<ProviderKind> providerKinds;
    private final String clusterName = TestServers.newClusterName();
    private final Path dataDir = TestServers.tempDir();
    private int port;
    private PgAnalyticsServer server;

    private TestServer(String hint, Map<String, String> overrides, List<ProviderKind> providerKinds) {
        this.databaseUrl = newDatabase(hint);
        this.overrides = Map.copyOf(overrides);
        this.providerKinds = List.copyOf(providerKinds);
    }

    public static TestServer start(String hint) {
        return start(hint, Map.of());
    }

    /** With server settings over the defaults ({@code "live.heartbeat", "100ms"}). */
    public static TestServer start(String hint, Map<String, String> overrides) {
        return start(hint, overrides, List.of());
    }

    /** With identity provider kinds of the test's own (the server harness's {@code TestProviderKinds}). */
    public static TestServer start(String hint, Map<String, String> overrides, List<ProviderKind> providerKinds) {
        TestServer test = new TestServer(hint, overrides, providerKinds);
        test.start();
        return test;
    }

    public synchronized void start() {
        if (server != null) {
            return;
        }
        Map<String, String> settings = new java.util.HashMap<>(overrides);
        settings.put("server.data-dir", dataDir.toString());
        settings.put("http.port", Integer.toString(port));
        server = TestServers.start(databaseUrl, clusterName, settings, java.time.Clock.systemUTC(), providerKinds);
        port = server.port();
    }

    public synchronized void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    public synchronized PgAnalyticsServer server() {
        if (server == null) {
            throw new IllegalStateException("the test server is stopped");
        }
        return server;
    }

    /** {@code https://127.0.0.1:<port>}, as a person would type it. */
    public String url() {
        return "https://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** A connection to the server's own database, for tests that plant rows the product would write (anomalies, bands). */
    public Connection database() throws SQLException {
        return java.sql.DriverManager.getConnection(databaseUrl, "postgres", "postgres");
    }

    public String fingerprint() {
        return server().tls().orElseThrow().fingerprint();
    }

    @Override
    public void close() {
        stop();
    }

    private static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder()
                        .setPgBinaryResolver(TestServer::firstBinary)
                        .setServerConfig("max_connections", "300")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
        }
        return postgres;
    }

    private static InputStream firstBinary(String system, String hardware) throws IOException {
        String name = "postgres-" + system.toLowerCase(Locale.ROOT) + "-" + hardware + ".txz";
        List<URL> found = Collections.list(TestServer.class.getClassLoader().getResources(name));
        if (found.isEmpty()) {
            throw new IllegalStateException("no " + name + " on the class path");
        }
        return found.getFirst().openStream();
    }

    private static String newDatabase(String hint) {
        String name = (hint.replaceAll("[^a-z0-9]", "_") + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
        try (Connection c = postgres().getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return "jdbc:postgresql://127.0.0.1:" + postgres().getPort() + "/" + name;
    }
}

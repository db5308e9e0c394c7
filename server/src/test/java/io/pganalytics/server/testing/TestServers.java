package io.pganalytics.server.testing;

import io.helidon.config.Config;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.config.ConfigLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Starts real server nodes for tests: real HTTPS on a free port, a real Hazelcast member on 127.0.0.1 with a cluster
 * name of its own, a real PostgreSQL database. The admin password is fixed so that tests can log in.
 */
public final class TestServers {
    public static final String ADMIN_PASSWORD = "Tangerine-Otter-Lighthouse-42";

    private TestServers() {
    }

    /** A one-node server on its own new database. */
    public static PgAnalyticsServer start(String hint) {
        return start(SharedPostgres.newDatabase(hint), newClusterName(), Map.of());
    }

    /**
     * A node on the given database, in the given cluster. Nodes started with the same database URL and cluster name
     * (and {@code cluster.join=members} with each other's ports in {@code overrides}) form one deployment.
     */
    public static PgAnalyticsServer start(String databaseUrl, String clusterName, Map<String, String> overrides) {
        return start(databaseUrl, clusterName, overrides, Clock.systemUTC());
    }

    /** As {@link #start(String, String, Map)}, with a clock the test controls (see {@link ManualClock}). */
    public static PgAnalyticsServer start(String databaseUrl, String clusterName, Map<String, String> overrides, Clock clock) {
        Map<String, String> settings = new HashMap<>();
        settings.put("server.data-dir", tempDir().toString());
        settings.put("server.node-name", "test-" + UUID.randomUUID().toString().substring(0, 8));
        settings.put("http.host", "127.0.0.1");
        settings.put("http.port", "0");
        settings.put("http.admin-port", "0");
        settings.put("http.shutdown-grace", "2s");
        settings.put("database.url", databaseUrl);
        settings.put("database.pool-size", "8");
        settings.put("ingest.writers", "4");
        settings.put("cluster.name", clusterName);
        settings.put("cluster.port", Integer.toString(freePort()));
        settings.put("cluster.port-auto-increment", "false");
        settings.putAll(overrides);
        Config config = ConfigLoader.load(null, Map.of(), settings);
        return PgAnalyticsServer.start(config, Map.of("PGANALYTICS_ADMIN_PASSWORD", ADMIN_PASSWORD), clock);
    }

    public static String newClusterName() {
        return "test-" + UUID.randomUUID();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path tempDir() {
        try {
            return Files.createTempDirectory("pganalytics-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

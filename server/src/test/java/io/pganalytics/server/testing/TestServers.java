package io.pganalytics.server.testing;

import io.helidon.config.Config;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.auth.provider.ProviderKind;
import io.pganalytics.server.config.ConfigLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Starts real server nodes for tests: real HTTPS on a free port, a real Hazelcast member on 127.0.0.1 with a cluster
 * name of its own, a real PostgreSQL database. The admin password is fixed so that tests can log in.
 */
public final class TestServers {
    private static final int FIRST_PORT = 20_000;
    private static final int PORT_SPAN = 12_000;
    private static final AtomicInteger NEXT_PORT = new AtomicInteger(ThreadLocalRandom.current().nextInt(PORT_SPAN));

    private static final Map<String, Path> KEY_STORES = new java.util.concurrent.ConcurrentHashMap<>();
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
        return start(databaseUrl, clusterName, overrides, clock, List.of());
    }

    /** As {@link #start(String, String, Map, Clock)}, with identity provider kinds of the test's own. */
    public static PgAnalyticsServer start(String databaseUrl, String clusterName, Map<String, String> overrides, Clock clock,
                                          List<ProviderKind> providerKinds) {
        return start(databaseUrl, clusterName, overrides, clock, providerKinds, Map.of());
    }

    /** As {@link #start(String, String, Map, Clock, List)}, with environment variables of the test's own (a KMS's credentials). */
    public static PgAnalyticsServer start(String databaseUrl, String clusterName, Map<String, String> overrides, Clock clock,
                                          List<ProviderKind> providerKinds, Map<String, String> environment) {
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
        if (!overrides.containsKey("server.data-dir")) {
            // the nodes of one deployment share their key-encryption key (as a real cluster shares its HSM, KMS or
            // key store); a test that names its own data directory gets the key store in it
            settings.put("encryption.keystore.file", KEY_STORES.computeIfAbsent(databaseUrl, url -> tempDir().resolve("kek.p12")).toString());
        }
        settings.putAll(overrides);
        Config config = ConfigLoader.load(null, Map.of(), settings);
        Map<String, String> variables = new HashMap<>(environment);
        variables.put("PGANALYTICS_ADMIN_PASSWORD", ADMIN_PASSWORD);
        return PgAnalyticsServer.start(config, variables, clock, providerKinds);
    }

    /** Two nodes of one new cluster. */
    public record TwoNodes(PgAnalyticsServer a, PgAnalyticsServer b) {
    }

    /**
     * Two nodes on one database in one new cluster, joined by a member list of their ports, returned once each sees
     * the other. {@code overridesA} and {@code overridesB} are each node's own settings.
     */
    public static TwoNodes startTwo(String databaseUrl, Map<String, String> overridesA, Map<String, String> overridesB) {
        return startTwo(databaseUrl, overridesA, overridesB, List.of());
    }

    /** As {@link #startTwo(String, Map, Map)}, both nodes knowing the test's own identity provider kinds. */
    public static TwoNodes startTwo(String databaseUrl, Map<String, String> overridesA, Map<String, String> overridesB,
                                    List<ProviderKind> providerKinds) {
        String cluster = newClusterName();
        int portA = freePort();
        int portB = freePort();
        String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
        PgAnalyticsServer a = start(databaseUrl, cluster, joined(overridesA, members, portA), Clock.systemUTC(), providerKinds);
        PgAnalyticsServer b = start(databaseUrl, cluster, joined(overridesB, members, portB), Clock.systemUTC(), providerKinds);
        Eventually.await(Duration.ofSeconds(60), "the two nodes form one cluster",
                () -> a.cluster().memberCount() == 2 && b.cluster().memberCount() == 2);
        return new TwoNodes(a, b);
    }

    private static Map<String, String> joined(Map<String, String> overrides, String members, int port) {
        Map<String, String> all = new HashMap<>(overrides);
        all.put("cluster.join", "members");
        all.put("cluster.members", members);
        all.put("cluster.port", Integer.toString(port));
        return all;
    }

    public static String newClusterName() {
        return "test-" + UUID.randomUUID();
    }

    /**
     * A port that was free a moment ago, below the kernel's ephemeral range (32768 and up on Linux): a port the
     * kernel hands out (port 0) can be taken as the source port of any outgoing connection between this call and the
     * member's bind, which made cluster tests fail now and then. Ports are taken in turn from a random start, so
     * that two test JVMs on one machine rarely meet.
     */
    public static int freePort() {
        for (int attempt = 0; attempt < PORT_SPAN; attempt++) {
            int port = FIRST_PORT + Math.floorMod(NEXT_PORT.getAndIncrement(), PORT_SPAN);
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException busy) {
                // taken: try the next one
            }
        }
        throw new IllegalStateException("no free port between " + FIRST_PORT + " and " + (FIRST_PORT + PORT_SPAN));
    }


    public static Path tempDir() {
        try {
            return Files.createTempDirectory("pganalytics-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

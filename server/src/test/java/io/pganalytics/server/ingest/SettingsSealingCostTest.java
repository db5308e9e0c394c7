package io.pganalytics.server.ingest;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.Sql;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The cost of {@code encryption.settings} on ingest, off and on side by side in one run: each instance's settings
 * snapshot (350 settings, what PostgreSQL 17 shows) sent through the real ingest path, one batch per instance. In the
 * suite it is a smoke of 20 instances; the documented figure (docs/BENCHMARKS.md, "Sealed settings") is for 500, one
 * hourly settings round of 500 collectors:
 * <pre>
 * ./mvnw -B -o -pl server -am test -Dtest=SettingsSealingCostTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dsettings.bench.instances=500
 * </pre>
 */
class SettingsSealingCostTest {
    private static final int SETTINGS = 350;

    @Test
    void settingsSnapshotsAreStoredWithSealingOffAndOnAndTheCostIsPrinted() throws Exception {
        int instances = Integer.getInteger("settings.bench.instances", 20);
        String off = run(false, instances);
        String on = run(true, instances);
        LoggerFactory.getLogger(SettingsSealingCostTest.class).info(
                "SETTINGS-BENCH {} instances x {} settings, one batch each:\n  encryption.settings off: {}\n  encryption.settings on:  {}",
                instances, SETTINGS, off, on);
    }

    private static String run(boolean sealed, int instances) throws Exception {
        String url = SharedPostgres.newDatabase(sealed ? "settings_cost_on" : "settings_cost_off");
        try (PgAnalyticsServer server = TestServers.start(url, TestServers.newClusterName(),
                sealed ? Map.of("encryption.settings", "true") : Map.of())) {
            ApiClient api = new ApiClient(server);
            String collector = SealedIngest.register(api, api.loginAdmin());
            List<byte[]> bodies = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            String at = Instant.now().minus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString();
            for (int i = 0; i < instances; i++) {
                String id = "settings-cost-" + UUID.randomUUID();
                ids.add(id);
                bodies.add(SealedIngest.gzip(IngestServiceTest.batch(id, snapshot(i, at))));
            }
            // one warm-up instance first: the first batch creates partitions and loads classes
            String warm = "settings-cost-warm-" + UUID.randomUUID();
            SealedIngest.send(api, collector, warm, SealedIngest.gzip(IngestServiceTest.batch(warm, snapshot(instances, at))));
            long[] nanos = new long[instances];
            long start = System.nanoTime();
            for (int i = 0; i < instances; i++) {
                long one = System.nanoTime();
                SealedIngest.send(api, collector, ids.get(i), bodies.get(i));
                nanos[i] = System.nanoTime() - one;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            String column = sealed ? "setting_sealed" : "setting";
            assertEquals(Long.toString((long) (instances + 1) * SETTINGS),
                    Sql.rows(server.database().dataSource(), "SELECT count(" + column + ") FROM ts.settings").get(0).get(0));
            Arrays.sort(nanos);
            return String.format("%d rows in %.2f s = %.0f settings rows/s; per batch p50 %.1f ms, p99 %.1f ms",
                    (long) instances * SETTINGS, seconds, instances * SETTINGS / seconds,
                    nanos[instances / 2] / 1e6, nanos[Math.min(instances - 1, (int) Math.ceil(instances * 0.99) - 1)] / 1e6);
        }
    }

    /** One instance's settings snapshot: {@value #SETTINGS} settings, a few with long values as real ones have. */
    private static String snapshot(int instance, String at) {
        StringBuilder rows = new StringBuilder();
        for (int s = 0; s < SETTINGS; s++) {
            String value = s % 50 == 0 ? "host=primary-" + instance + ".example port=5432 user=replicator password=pw" + s
                    + " application_name=standby sslmode=verify-full" : Integer.toString(1000 + s);
            rows.append(s == 0 ? "" : ",").append("[\"setting_").append(s).append("\",\"").append(value).append("\",")
                    .append(s % 3 == 0 ? "\"kB\"" : "null").append(",\"configuration file\",false]");
        }
        return "{\"target\":{\"systemIdentifier\":\"" + (7_000_000 + instance) + "\",\"name\":\"db" + instance
                + "\",\"host\":\"db" + instance + ".example\",\"port\":5432},\"family\":\"settings\",\"collectedAt\":\"" + at
                + "\",\"intervalSeconds\":null,\"columns\":[\"name\",\"setting\",\"unit\",\"source\",\"pending_restart\"],\"rows\":["
                + rows + "]}";
    }



}

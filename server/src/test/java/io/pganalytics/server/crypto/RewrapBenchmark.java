package io.pganalytics.server.crypto;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.Sql;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The re-wrap rate: how many sealed records a second the job moves to a new data key with the throttle out of the
 * way ({@code encryption.rewrap-rate} at its maximum). In the suite it is a smoke of 10,000 records; the documented
 * figure (docs/BENCHMARKS.md, "Key rotation") is for a million:
 * <pre>
 * ./mvnw -B -o -pl server -am test -Dtest=RewrapBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Drewrap.bench.records=1000000 [-Drewrap.bench.batch=500]
 * </pre>
 */
class RewrapBenchmark {
    @Test
    void everyRecordIsResealedAndTheRateIsPrinted() throws Exception {
        int records = Integer.getInteger("rewrap.bench.records", 10_000);
        int batch = Integer.getInteger("rewrap.bench.batch", 500);
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("rewrap_bench"), TestServers.newClusterName(),
                Map.of("encryption.rewrap-rate", "1000000", "encryption.rewrap-batch", Integer.toString(batch)))) {
            DataSource db = server.database().dataSource();
            SealedTestTable table = new SealedTestTable("bench_secret").create(db).registerOn(server);
            long loadStart = System.nanoTime();
            for (int from = 0; from < records; from += 50_000) {
                table.write(db, server.crypto().sealer(), from, Math.min(records, from + 50_000), 1);
            }
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            ApiClient api = new ApiClient(server);
            String admin = api.loginAdmin();
            ApiClient.Response rotated = api.post("/admin/keys/rotate", admin, "{\"newKekVersion\":false}");
            assertEquals(200, rotated.status(), rotated.body());
            int newKey = rotated.json().get("dataKey").asInt();
            Eventually.await(Duration.ofMinutes(30), "the re-wrap of " + records + " records is done",
                    () -> state(db).equals("done"));
            List<String> run = Sql.rows(db, "SELECT done, extract(epoch FROM finished_at - started_at) FROM crypto_rewrap_run"
                    + " ORDER BY id DESC LIMIT 1").get(0);
            long done = Long.parseLong(run.get(0));
            double seconds = Double.parseDouble(run.get(1));
            assertEquals(records, done);
            assertEquals(Map.of(newKey, (long) records), table.keys(db));
            LoggerFactory.getLogger(RewrapBenchmark.class).info(
                    "REWRAP-BENCH re-wrap benchmark: {} records (loaded in {} s), batch {}: re-sealed in {} s = {} records/s",
                    records, String.format("%.1f", loadSeconds), batch, String.format("%.1f", seconds), String.format("%.0f", done / seconds));
        }
    }

    private static String state(DataSource db) {
        try {
            return Sql.rows(db, "SELECT state FROM crypto_rewrap_run ORDER BY id DESC LIMIT 1").get(0).get(0);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}

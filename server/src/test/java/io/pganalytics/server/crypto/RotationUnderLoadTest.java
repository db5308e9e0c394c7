package io.pganalytics.server.crypto;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acceptance test of rotation without downtime: 200 simulated collectors ingest and people query the API while
 * an admin rotates the data key and the key-encryption key; a feature keeps writing and reading its sealed values
 * throughout. No request fails, no value becomes unreadable, the re-wrap completes, and only then can the old data
 * key and key-encryption key version be retired (they are refused before).
 */
class RotationUnderLoadTest {
    private static final int COLLECTORS = 200;
    private static final int SEALED_ROWS = 5000;

    @Test
    void rotatingWhile200CollectorsIngestFailsNoRequestAndLeavesEveryRecordReadable() throws Exception {
        // 500 values a second: the re-wrap of 5,000 values takes ten seconds, so the retire refusals are checked mid-run
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("rotate_load"), TestServers.newClusterName(),
                Map.of("encryption.rewrap-rate", "500", "encryption.rewrap-batch", "100"))) {
            DataSource db = server.database().dataSource();
            Sealer sealer = server.crypto().sealer();
            SealedTestTable table = new SealedTestTable("load_secret").create(db).registerOn(server);
            table.write(db, sealer, 0, SEALED_ROWS, 1);
            ApiClient api = new ApiClient(server);
            String admin = api.loginAdmin();
            String viewer = api.loginNewViewer("load-viewer");
            List<String> credentials = register(api, admin);
            int oldKey = server.crypto().keys().currentKeyId();
            int oldKek = server.crypto().keys().currentKekVersion();

            Queue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong ingested = new AtomicLong();
            AtomicLong queries = new AtomicLong();
            AtomicLong sealedReads = new AtomicLong();
            AtomicInteger[] batchesPerCollector = new AtomicInteger[COLLECTORS];
            for (int i = 0; i < COLLECTORS; i++) {
                batchesPerCollector[i] = new AtomicInteger();
            }
            ExecutorService load = Executors.newFixedThreadPool(12);
            List<Future<?>> running = new ArrayList<>();
            AtomicInteger next = new AtomicInteger();
            for (int t = 0; t < 8; t++) {
                running.add(load.submit(() -> {
                    while (!stop.get()) {
                        int collector = Math.floorMod(next.getAndIncrement(), COLLECTORS);
                        ApiClient.Response response = ingest(api, credentials.get(collector), collector);
                        if (response.status() != 200) {
                            failures.add("ingest " + response.status() + " " + response.body());
                        }
                        batchesPerCollector[collector].incrementAndGet();
                        ingested.incrementAndGet();
                    }
                }));
            }
            for (int t = 0; t < 2; t++) {
                running.add(load.submit(() -> {
                    while (!stop.get()) {
                        for (String path : List.of("/instances", "/admin/keys")) {
                            ApiClient.Response response = api.get(path, path.startsWith("/admin") ? admin : viewer);
                            if (response.status() != 200) {
                                failures.add("GET " + path + " " + response.status() + " " + response.body());
                            }
                            queries.incrementAndGet();
                        }
                    }
                }));
            }
            // the feature owning the sealed column keeps writing (sealing with whichever key is current) and reading
            running.add(load.submit(() -> {
                int version = 2;
                while (!stop.get()) {
                    long id = ThreadLocalRandom.current().nextLong(SEALED_ROWS);
                    try {
                        table.write(db, sealer, id, id + 1, version++);
                        if (table.unreadable(db, sealer) > 0) {
                            failures.add("a sealed value did not open");
                        }
                        sealedReads.incrementAndGet();
                    } catch (java.sql.SQLException e) {
                        failures.add("sealed column: " + e);
                    }
                }
            }));

            Eventually.await(Duration.ofMinutes(3), "every collector has sent a batch before the rotation",
                    () -> allAtLeast(batchesPerCollector, 1) || !failures.isEmpty());
            ApiClient.Response rotated = api.post("/admin/keys/rotate", admin, "{\"newKekVersion\":true}");
            assertEquals(200, rotated.status(), rotated.body());
            int newKey = rotated.json().get("dataKey").asInt();

            ApiClient.Response keyRefused = api.post("/admin/keys/data-keys/" + oldKey + "/retire", admin, "");
            assertEquals(409, keyRefused.status(), "refused while the re-wrap has values to move: " + keyRefused.body());
            ApiClient.Response kekRefused = api.post("/admin/keys/kek-versions/" + oldKek + "/retire", admin, "");
            assertEquals(409, kekRefused.status(), "refused while it wraps data key " + oldKey + ": " + kekRefused.body());

            Eventually.await(Duration.ofMinutes(3), "every collector has sent a batch after the rotation, and the re-wrap is done",
                    () -> allAtLeast(batchesPerCollector, 2)
                            && "done".equals(api.get("/admin/keys", admin).json().get("rewrap").get("state").asText()));
            stop.set(true);
            for (Future<?> task : running) {
                task.get(1, TimeUnit.MINUTES);
            }
            load.shutdown();

            assertEquals(List.of(), List.copyOf(failures), "no request failed and no value became unreadable");
            assertEquals(0, table.unreadable(db, sealer));
            assertEquals(Map.of(newKey, (long) SEALED_ROWS), table.keys(db), "every value is under the new data key");
            assertEquals(204, api.post("/admin/keys/data-keys/" + oldKey + "/retire", admin, "").status());
            assertEquals(204, api.post("/admin/keys/kek-versions/" + oldKek + "/retire", admin, "").status());
            assertEquals(0, table.unreadable(db, sealer));
            org.slf4j.LoggerFactory.getLogger(RotationUnderLoadTest.class).info(
                    "rotation under load: {} ingest requests from {} collectors, {} API queries, {} sealed-column rounds, 0 failures",
                    ingested.get(), COLLECTORS, queries.get(), sealedReads.get());
            assertTrue(ingested.get() >= 2L * COLLECTORS);
        }
    }

    private static boolean allAtLeast(AtomicInteger[] counts, int n) {
        for (AtomicInteger count : counts) {
            if (count.get() < n) {
                return false;
            }
        }
        return true;
    }

    private static List<String> register(ApiClient api, String admin) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> registered = new ArrayList<>();
            for (int i = 0; i < COLLECTORS; i++) {
                String name = "load-" + i;
                registered.add(pool.submit(() -> {
                    String token = api.post("/collectors/registration-tokens", admin, "{\"note\":\"" + name + "\"}").json().get("token").asText();
                    ApiClient.Response response = api.post("/collectors/register", null, "{\"token\":\"" + token + "\",\"name\":\"" + name
                            + "\",\"hostname\":\"h\",\"collectorVersion\":\"3.5.0\"}");
                    assertEquals(201, response.status(), response.body());
                    return response.json().get("credential").asText();
                }));
            }
            List<String> credentials = new ArrayList<>();
            for (Future<String> credential : registered) {
                credentials.add(credential.get(1, TimeUnit.MINUTES));
            }
            return credentials;
        } finally {
            pool.shutdown();
        }
    }

    /** One collector's batch: its own instance's database figures, as the collector sends them. */
    private static ApiClient.Response ingest(ApiClient api, String credential, int collector) {
        String at = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.SECONDS).toString();
        String json = "{\"schemaVersion\":1,\"batchId\":\"load-" + UUID.randomUUID() + "\",\"collectorVersion\":\"3.5.0\",\"createdAt\":\""
                + at + "\",\"snapshots\":[{\"target\":{\"systemIdentifier\":\"" + (910_000 + collector) + "\",\"name\":\"db" + collector
                + "\",\"host\":\"db" + collector + ".example\",\"port\":5432},\"family\":\"database\",\"collectedAt\":\"" + at
                + "\",\"intervalSeconds\":60,\"columns\":[\"datname\",\"xact_commit\",\"xact_rollback\",\"blks_hit\",\"blks_read\"],"
                + "\"rows\":[[\"app\"," + ThreadLocalRandom.current().nextInt(1_000_000) + ",0,90,10]]}]}";
        HttpRequest request = api.request("/ingest", credential).header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(json))).build();
        return api.send(request);
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}

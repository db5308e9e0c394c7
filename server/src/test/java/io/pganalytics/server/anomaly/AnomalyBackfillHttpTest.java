package io.pganalytics.server.anomaly;

import com.hazelcast.topic.ITopic;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.Sql;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /api/v1/anomalies/backfill} over real HTTP: admins only, validated, audited, published to the owners. */
class AnomalyBackfillHttpTest {
    private static final String PATH = "/anomalies/backfill";

    @Test
    void anAdminAsksTheOwnersToBackfillAndBadRequestsChangeNothing() throws Exception {
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("anomaly_backfill_http"), TestServers.newClusterName(),
                Map.of("anomaly.backfill-max", "7d"))) {
            ApiClient api = new ApiClient(server);
            String admin = api.loginAdmin();
            Sql.execute(server.database().dataSource(), """
                    INSERT INTO monitored_instance (system_identifier, host, port, name, first_seen_at, last_seen_at)
                    VALUES ('1', 'db1', 5432, 'db1', now(), now())""");
            long id = Long.parseLong(Sql.rows(server.database().dataSource(), "SELECT id FROM monitored_instance").getFirst().getFirst());
            List<String> published = new CopyOnWriteArrayList<>();
            ITopic<String> topic = server.cluster().hazelcast().getTopic(AnomalyScorer.BACKFILL_TOPIC);
            topic.addMessageListener(m -> published.add(m.getMessageObject()));

            ApiClient.Response accepted = api.post(PATH, admin, "{\"instanceId\":" + id
                    + ",\"from\":\"2026-11-01T00:00:00Z\",\"to\":\"2026-11-03T00:00:00Z\"}");
            assertEquals(202, accepted.status(), accepted.body());
            assertEquals("2026-11-01T00:00:00Z", accepted.json().at("/from").asText());
            Eventually.await(Duration.ofSeconds(10), "the request reaches the nodes", () -> published.size() == 1);
            assertEquals(id + "|" + java.time.Instant.parse("2026-11-01T00:00:00Z").getEpochSecond() + "|"
                    + java.time.Instant.parse("2026-11-03T00:00:00Z").getEpochSecond(), published.getFirst());
            Eventually.await(Duration.ofSeconds(10), "the backfill is audited", () -> {
                try {
                    return !Sql.rows(server.database().dataSource(),
                            "SELECT resource_id FROM audit.record WHERE action = 'anomalies.backfill'").isEmpty();
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });

            assertEquals(400, api.post(PATH, admin, "{\"from\":\"2026-11-01T00:00:00Z\"}").status(), "neither an instance nor all");
            assertEquals(400, api.post(PATH, admin, "{\"instanceId\":" + id + ",\"all\":true,\"from\":\"2026-11-01T00:00:00Z\"}").status());
            assertEquals(400, api.post(PATH, admin, "{\"all\":true,\"from\":\"2026-11-03T00:00:00Z\",\"to\":\"2026-11-01T00:00:00Z\"}").status());
            ApiClient.Response tooLong = api.post(PATH, admin, "{\"all\":true,\"from\":\"2026-10-01T00:00:00Z\",\"to\":\"2026-11-01T00:00:00Z\"}");
            assertEquals(400, tooLong.status());
            assertTrue(tooLong.body().contains("anomaly.backfill-max"), tooLong.body());
            assertEquals(404, api.post(PATH, admin, "{\"instanceId\":999999,\"from\":\"2026-11-01T00:00:00Z\",\"to\":\"2026-11-02T00:00:00Z\"}").status());
            assertEquals(403, api.post(PATH, api.loginNewViewer("backfill-viewer"), "{\"all\":true,\"from\":\"2026-11-01T00:00:00Z\"}").status());
            assertEquals(1, published.size(), "refused requests publish nothing: " + published);
        }
    }
}

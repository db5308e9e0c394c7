package io.pganalytics.server.collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static io.pganalytics.server.collectors.CollectorTesting.registerNew;
import static io.pganalytics.server.collectors.CollectorTesting.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Heartbeats live in Hazelcast and reach the database periodically, so that they survive a restart of the whole
 * cluster (here: the only node, restarted with a new cluster name, so that nothing of Hazelcast survives).
 */
class CollectorHeartbeatPersistenceTest {

    private static PgAnalyticsServer startNode(String database, String persistInterval) {
        return TestServers.start(database, TestServers.newClusterName(), Map.of("collectors.heartbeat-persist-interval", persistInterval));
    }

    private static JsonNode heartbeatAfterRestart(String database, String id) {
        try (PgAnalyticsServer restarted = startNode(database, "30s")) {
            ApiClient api = new ApiClient(restarted);
            ApiClient.Response one = api.get("/collectors/" + id, api.loginAdmin());
            assertEquals(200, one.status(), one.body());
            return one.json().get("heartbeat");
        }
    }

    @Test
    void heartbeatsArePersistedPeriodicallyAndSurviveAFullRestart() {
        String database = SharedPostgres.newDatabase("collector_heartbeats");
        String id;
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (PgAnalyticsServer node = startNode(database, "200ms")) {
            ApiClient api = new ApiClient(node);
            id = registerNew(api, api.loginAdmin(), uniqueName("persisted")).get("collectorId").asText();
            node.collectors().recordActivity(id, "3.5.2", at.minusSeconds(5), 1L, 0L);
            node.collectors().recordActivity(id, "3.5.3", at, 12L, 3L);
            String persisted = "SELECT count(*) FROM collector WHERE id = '" + id + "' AND last_seen_at = '" + at + "'::timestamptz";
            CollectorTesting.await("the heartbeat is written to the database", Duration.ofSeconds(10),
                    () -> CollectorTesting.count(node, persisted) == 1);
            // An older heartbeat arriving late (from another node, say) does not move last-seen back.
            node.collectors().recordActivity(id, "3.5.2", at.minusSeconds(60), 1L, 0L);
            node.collectors().persistHeartbeats();
            assertEquals(1, CollectorTesting.count(node, persisted));
        }
        JsonNode heartbeat = heartbeatAfterRestart(database, id);
        assertEquals(at.toString(), heartbeat.get("lastSeenAt").asText());
        assertEquals("3.5.3", heartbeat.get("collectorVersion").asText());
        assertEquals(12, heartbeat.get("spoolDepthBatches").asLong());
        assertEquals(3, heartbeat.get("errors").asLong());
    }

    @Test
    void aGracefulStopPersistsWhatTheNodeReceivedSinceItsLastRound() {
        String database = SharedPostgres.newDatabase("collector_heartbeats_stop");
        String id;
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (PgAnalyticsServer node = startNode(database, "1h")) {
            ApiClient api = new ApiClient(node);
            id = registerNew(api, api.loginAdmin(), uniqueName("stopped")).get("collectorId").asText();
            node.collectors().recordActivity(id, null, at, null, null);
        }
        JsonNode heartbeat = heartbeatAfterRestart(database, id);
        assertEquals(at.toString(), heartbeat.get("lastSeenAt").asText());
        assertTrue(heartbeat.get("collectorVersion").isNull(), "nothing reported, nothing invented: " + heartbeat);
        assertTrue(heartbeat.get("spoolDepthBatches").isNull(), heartbeat.toString());
    }
}

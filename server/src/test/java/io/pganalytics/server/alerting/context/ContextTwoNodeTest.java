package io.pganalytics.server.alerting.context;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.alerting.Suppressions;
import io.pganalytics.server.query.SeriesData;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A change made through one node reaches the other node's cached context through the topic, well before the caches'
 * own reload (30 s for silences, 60 s for on-call, 10 s for labels): each wait below is shorter than that reload, so
 * only the notice can satisfy it.
 */
class ContextTwoNodeTest {
    private static final Duration NOTICE = Duration.ofSeconds(8);
    private static TestServers.TwoNodes nodes;
    private static ApiClient api;
    private static String admin;
    private static long instance;

    @BeforeAll
    static void start() {
        nodes = TestServers.startTwo(SharedPostgres.newDatabase("alerting_context_two"), Map.of(), Map.of());
        api = new ApiClient(nodes.a());
        admin = api.loginAdmin();
        instance = new SeriesData(nodes.a()).instance("two-node-alpha", Instant.now(), Instant.now(), false);
    }

    @AfterAll
    static void stop() {
        if (nodes != null) {
            nodes.b().close();
            nodes.a().close();
        }
    }

    private static AlertingContext contextOf(PgAnalyticsServer server) {
        return server.alerting().context();
    }

    @Test
    void aSilenceMadeOnOneNodeHoldsAlertsBackOnTheOtherAtOnce() {
        Map<String, String> labels = Map.of("alertname", "TwoNodeSilence", "instance", "two-node-alpha");
        assertTrue(contextOf(nodes.b()).suppressions().at(Instant.now(), instance, labels).isEmpty(), "node b has loaded its cache");
        ApiClient.Response created = api.post("/silences", admin, "{\"matchers\":[{\"label\":\"alertname\",\"op\":\"=\",\"value\":\"TwoNodeSilence\"}],"
                + "\"endsAt\":\"" + Instant.now().plus(1, ChronoUnit.HOURS) + "\",\"reason\":\"two nodes\"}");
        assertEquals(201, created.status(), created.body());
        Suppressions.Suppression silence = new Suppressions.Suppression("silence", created.json().get("id").asLong());
        Eventually.await(NOTICE, "node b sees the silence made on node a",
                () -> contextOf(nodes.b()).suppressions().at(Instant.now(), instance, labels).contains(silence));
    }

    @Test
    void labelsAndContactsChangedOnOneNodeAreSeenOnTheOther() {
        // a new instance reaches a node's cache at its next reload (at most 10 s: ingest sends no notice of one)
        Eventually.await(Duration.ofSeconds(15), "node b has loaded the new instance",
                () -> contextOf(nodes.b()).instances().instances().containsKey(instance));
        assertEquals(200, api.put("/instances/" + instance + "/labels", admin, "{\"labels\":{\"env\":\"prod\"}}").status());
        Eventually.await(Duration.ofSeconds(5), "node b sees the labels set on node a",
                () -> "prod".equals(contextOf(nodes.b()).instances().instances().get(instance).labels().get("env")));

        long adminId = Long.parseLong(api.get("/auth/me", admin).json().get("id").asText());
        assertTrue(contextOf(nodes.b()).onCall().person(adminId).isEmpty(), "the admin has no contact yet; node b has loaded its cache");
        assertEquals(200, api.put("/oncall/contacts/" + adminId, admin, "{\"email\":\"admin@example.com\"}").status());
        Eventually.await(NOTICE, "node b sees the contact set on node a",
                () -> contextOf(nodes.b()).onCall().person(adminId).isPresent());
    }
}

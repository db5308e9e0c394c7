package io.pganalytics.server.auth.provider;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestProviderKinds;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two server nodes, one database, one Hazelcast cluster: a provider created, changed or disabled through node A is
 * used by node B without a restart (B hears A's message on the providers' topic; B's housekeeping round, a minute
 * apart, is only the backstop, so the waits here are shorter than it).
 */
class IdentityProvidersTwoNodeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static PgAnalyticsServer nodeA;
    private static PgAnalyticsServer nodeB;
    private static ApiClient apiA;
    private static ApiClient apiB;

    @BeforeAll
    static void start() {
        TestServers.TwoNodes nodes = TestServers.startTwo(SharedPostgres.newDatabase("idp_two_nodes"), Map.of(), Map.of(),
                TestProviderKinds.all());
        nodeA = nodes.a();
        nodeB = nodes.b();
        apiA = new ApiClient(nodeA);
        apiB = new ApiClient(nodeB);
    }

    @AfterAll
    static void stop() {
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    private static ApiClient.Response loginOnB(String username, String password, String provider) {
        return apiB.post("/auth/login", null, "{\"username\":\"" + username + "\",\"password\":\"" + password
                + "\",\"provider\":\"" + provider + "\"}");
    }

    private static String definition(String directory, boolean enabled, String defaultRole) {
        return "{\"name\":\"two-nodes\",\"kind\":\"" + TestProviderKinds.DIRECTORY + "\",\"enabled\":" + enabled
                + ",\"settings\":{\"directory\":\"" + directory + "\"},\"roleMapping\":{\"rules\":[],\"defaultRole\":\"" + defaultRole + "\"}}";
    }

    @Test
    void aProviderCreatedChangedAndDisabledOnNodeAIsUsedByNodeB() {
        TestProviderKinds.put("two-nodes-people", "hank", new TestProviderKinds.Person("uid=hank", "hank-pw", null, null, Set.of()));
        String adminA = apiA.loginAdmin();
        ApiClient.Response created = apiA.post("/admin/identity-providers", adminA, definition("two-nodes-people", true, "viewer"));
        assertEquals(201, created.status(), created.body());

        Eventually.await(WAIT, "node B signs in through the provider created on node A",
                () -> loginOnB("hank", "hank-pw", "two-nodes").status() == 200);
        assertEquals("[\"viewer\"]", loginOnB("hank", "hank-pw", "two-nodes").json().get("user").get("roles").toString());

        ApiClient.Response changed = apiA.put("/admin/identity-providers/two-nodes", adminA, definition("two-nodes-people", true, "operator"));
        assertEquals(200, changed.status(), changed.body());
        Eventually.await(WAIT, "node B maps roles by the mapping changed on node A",
                () -> loginOnB("hank", "hank-pw", "two-nodes").json().path("user").path("roles").toString().equals("[\"operator\"]"));

        ApiClient.Response disabled = apiA.put("/admin/identity-providers/two-nodes", adminA, definition("two-nodes-people", false, "operator"));
        assertEquals(200, disabled.status(), disabled.body());
        Eventually.await(WAIT, "node B no longer offers the provider disabled on node A",
                () -> !apiB.get("/auth/providers", null).body().contains("two-nodes"));
        assertEquals(400, loginOnB("hank", "hank-pw", "two-nodes").status());
    }
}

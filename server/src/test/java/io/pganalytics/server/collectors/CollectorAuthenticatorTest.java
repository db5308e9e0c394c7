package io.pganalytics.server.collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.Caller;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.pganalytics.server.collectors.CollectorTesting.registerNew;
import static io.pganalytics.server.collectors.CollectorTesting.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The collector authenticator itself, on a real node's registry (Hazelcast) and database. */
class CollectorAuthenticatorTest {
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static String admin;
    private static CollectorAuthenticator authenticator;

    @BeforeAll
    static void start() {
        server = TestServers.start("collector_authenticator");
        api = new ApiClient(server);
        admin = api.loginAdmin();
        authenticator = server.collectors().authenticator();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void assertRefused(String header) {
        ApiException e = assertThrows(ApiException.class, () -> authenticator.verify(header), header);
        assertEquals(ErrorType.UNAUTHENTICATED, e.type(), e.getMessage());
    }

    @Test
    void aValidCredentialIsTheCollectorWithNoRolesAndNoSession() {
        String name = uniqueName("direct");
        JsonNode identity = registerNew(api, admin, name);
        Caller caller = authenticator.verify("Bearer " + identity.get("credential").asText());
        assertEquals(new Caller(Caller.Kind.COLLECTOR, identity.get("collectorId").asText(), name, Set.of(), ""), caller);
        assertEquals(caller, authenticator.verify("bearer   " + identity.get("credential").asText() + " "), "the scheme is case-insensitive");
    }

    @Test
    void aWrongSecretForARealCollectorIsRefused() {
        String credential = registerNew(api, admin, uniqueName("guessed")).get("credential").asText();
        String wrong = credential.substring(0, credential.length() - 1) + (credential.endsWith("A") ? "B" : "A");
        assertRefused("Bearer " + wrong);
    }

    @Test
    void malformedCredentialsAndOtherKindsOfSecretAreRefused() {
        String credential = registerNew(api, admin, uniqueName("shapes")).get("credential").asText();
        String id = credential.substring(5, 41);
        for (String header : List.of(
                credential,                                          // no scheme
                "Basic " + credential,
                "Bearer ",
                "Bearer " + api.loginAdmin(),                        // a person's access token
                "Bearer pgart_" + "A".repeat(43),                    // a registration token
                "Bearer pgac_" + id,                                 // no secret
                "Bearer " + credential + "x",                        // too long
                "Bearer pgac_" + id.toUpperCase() + credential.substring(41),
                "Bearer pgac_" + id + "-" + credential.substring(42),
                "Bearer pgac_00000000-0000-4000-8000-000000000000" + credential.substring(41),
                "Bearer " + "pgac_" + "x".repeat(10_000))) {
            assertRefused(header);
        }
    }

    @Test
    void theHotPathReadsTheClusterRegistryNotTheDatabase() {
        JsonNode identity = registerNew(api, admin, uniqueName("cached"));
        String id = identity.get("collectorId").asText();
        String header = "Bearer " + identity.get("credential").asText();
        authenticator.verify(header);
        assertTrue(server.cluster().hazelcast().getMap(CollectorRegistry.MAP).containsKey(id), "registration publishes the entry");
        // Behind the API's back: the row changes, the registry does not, and the request is still served from it.
        CollectorTesting.execute(server, "UPDATE collector SET enabled = false WHERE id = '" + id + "'");
        assertEquals(id, authenticator.verify(header).id());
        // A miss (here: the entry evicted) loads the row from the database.
        server.cluster().hazelcast().getMap(CollectorRegistry.MAP).delete(id);
        assertRefused(header);
    }
}

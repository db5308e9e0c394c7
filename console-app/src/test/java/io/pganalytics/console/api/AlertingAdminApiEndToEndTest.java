package io.pganalytics.console.api;

import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.Condition;
import io.pganalytics.common.alerting.RuleScope;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.audit.ConfirmationRequired;
import io.pganalytics.console.common.ConsoleHome;
import io.pganalytics.console.testing.TestServer;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's alerting client against a real server's {@code /api/v1/rules} (HTTPS, a pinned certificate, an admin
 * session): a rule the editor would send is created, listed, updated with its version (a stale version refused 409),
 * its bad field refused 400 in the server's words, and deleted only with the server's confirmation token.
 */
class AlertingAdminApiEndToEndTest {
    private static TestServer server;
    private static ServerAddress address;

    @TempDir
    static Path home;

    @BeforeAll
    static void startServer() {
        server = TestServer.start("console-alerting");
        address = ServerAddress.parse(server.url());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void aRuleIsCreatedListedUpdatedWithItsVersionAndDeletedWithTheServersConfirmation() {
        HttpConnector connector = new HttpConnector(new ConsoleHome(home));
        connector.trust(connector.probe(address));
        try (ConsoleApi api = connector.open(address)) {
            api.login("admin", TestServers.ADMIN_PASSWORD);
            AlertingAdminApi alerting = api.alertingAdmin();
            // an anomaly-based rule: it names no signal, so it does not depend on the signals this build's server offers
            Condition anomaly = new Condition(Condition.ANOMALY, null, null, null, null, "tps", "warning", null);
            AlertRule rule = new AlertRule(null, "ConsoleTpsAnomaly", "Throughput left its band: look at the hints.", null, true, AlertRule.WARNING,
                    anomaly, "1m", RuleScope.all(), Map.of("team", "db"), "{{instance}}: tps anomaly scored {{value}}", null, 1, null, null, 0);

            AlertRule created = alerting.createRule(rule);
            assertNotNull(created.id());
            assertEquals(anomaly, created.condition());
            assertEquals(Map.of("team", "db"), created.labels());
            assertTrue(alerting.rules().stream().anyMatch(r -> r.id().equals(created.id()) && r.name().equals("ConsoleTpsAnomaly")));

            AlertRule longer = withFor(created, "5m");
            AlertRule updated = alerting.updateRule(created.id(), longer);
            assertEquals("5m", updated.forDuration());
            assertEquals("5m", alerting.rule(created.id()).forDuration());
            ApiException stale = assertThrows(ApiException.class, () -> alerting.updateRule(created.id(), withFor(created, "7m")));
            assertTrue(stale.is(ErrorType.CONFLICT), stale.getMessage());

            ApiException bad = assertThrows(ApiException.class, () -> alerting.createRule(withFor(rule, "five minutes")));
            assertTrue(bad.is(ErrorType.VALIDATION_FAILED) || bad.is(ErrorType.MALFORMED_REQUEST), bad.getMessage());
            assertFalse(alerting.rules().stream().anyMatch(r -> "five minutes".equals(r.forDuration())));
            ApiException unknown = assertThrows(ApiException.class, () -> alerting.createRule(new AlertRule(null, "NoSuchSignal", null, null, true,
                    AlertRule.WARNING, Condition.threshold("no_such_signal", ">", 1), "1m", RuleScope.all(), Map.of(), "x", null, 1, null, null, 0)));
            assertTrue(unknown.getMessage().contains("no_such_signal"), unknown.getMessage());

            ApiException asked = assertThrows(ApiException.class, () -> alerting.deleteRule(created.id()));
            ConfirmationRequired confirmation = asked.confirmation().orElseThrow(() -> new AssertionError("no confirmation asked: " + asked));
            assertTrue(alerting.rules().stream().anyMatch(r -> r.id().equals(created.id())), "nothing is deleted before the confirmation");
            api.admin().confirmed(confirmation.token()).alerting().deleteRule(created.id());
            assertEquals(List.of(), alerting.rules().stream().filter(r -> r.id().equals(created.id())).toList());
        }
    }

    private static AlertRule withFor(AlertRule r, String forDuration) {
        return new AlertRule(r.id(), r.name(), r.description(), r.packKey(), r.enabled(), r.severity(), r.condition(), forDuration, r.scope(),
                r.labels(), r.summary(), r.escalation(), r.sensitivityFactor(), r.updatedBy(), r.updatedAt(), r.version());
    }
}

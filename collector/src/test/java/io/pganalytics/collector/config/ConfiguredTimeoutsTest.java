package io.pganalytics.collector.config;

import io.pganalytics.collector.postgres.EmbeddedPostgresVersions;
import io.pganalytics.collector.postgres.EmbeddedPostgresVersions.Instance;
import io.pganalytics.collector.target.QueryTimer;
import io.pganalytics.collector.target.TargetConnections;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** statement-timeout and lock-timeout of collector.yaml are in effect on the collector's real connections. */
@Tag("fault-and-attack")
class ConfiguredTimeoutsTest {
    @Test
    void theConfiguredTimeoutsAreInEffectOnTheCollectorsConnectionToEachTarget() throws Exception {
        Instance pg = EmbeddedPostgresVersions.withoutPgStatStatements(17);
        Map<String, String> env = Map.of("PW", EmbeddedPostgresVersions.COLLECTOR_PASSWORD);
        CollectorConfig config = ConfigLoader.parse("""
                statement-timeout: 2500ms
                lock-timeout: 300ms
                targets:
                  - name: shared
                    url: %s
                    password-env: PW
                  - name: own
                    url: %s
                    password-env: PW
                    statement-timeout: 1234ms
                    lock-timeout: 45ms
                """.formatted(pg.url(), pg.url()), env, null);
        assertEquals(List.of("2500ms", "300ms", "2500", "300"), shown(config.targets().get(0), env));
        assertEquals(List.of("1234ms", "45ms", "1234", "45"), shown(config.targets().get(1), env));
    }

    /** SHOW inside a unit of work, and the connection's own default (reset_val, in ms) under it. */
    private static List<Object> shown(TargetConfig target, Map<String, String> env) throws Exception {
        try (TargetConnections connections = new TargetConnections(target.toTargetSpec(env), target.connectionSettings())) {
            return connections.onInstance(connections.settings().statementTimeout(), new QueryTimer(), session -> {
                List<Object> values = new java.util.ArrayList<>();
                values.add(session.queryText("SHOW statement_timeout").getFirst().getFirst());
                values.add(session.queryText("SHOW lock_timeout").getFirst().getFirst());
                values.add(session.queryText("SELECT reset_val FROM pg_settings WHERE name = 'statement_timeout'").getFirst().getFirst());
                values.add(session.queryText("SELECT reset_val FROM pg_settings WHERE name = 'lock_timeout'").getFirst().getFirst());
                return values;
            });
        }
    }
}

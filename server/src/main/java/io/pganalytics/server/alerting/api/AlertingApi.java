package io.pganalytics.server.alerting.api;

import io.pganalytics.server.alerting.AlertEvents;
import io.pganalytics.server.alerting.AlertingConfig;
import io.pganalytics.server.alerting.IncidentNotifier;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The alerting API, wired by hand for {@code AlertingFeature}: {@code new AlertingApi(...).routes()} in its
 * {@code routes(bodies, audit, confirmations)}.
 */
public final class AlertingApi {
    /** How long one API read or change may take before it is a 503. */
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(10);

    private final AlertRoutes alertRoutes;
    private final RuleRoutes ruleRoutes;

    /**
     * @param engine   the engine's signals, condition checks and previewer ({@link RuleEngine#NONE} without one)
     * @param notifier told, in the same transaction, of an incident resolved by hand
     * @param events   where incidents changed by people go (the live streams: {@code live.alertEvents()})
     */
    public AlertingApi(AlertingConfig config, DataSource dataSource, Clock clock, RuleEngine engine, IncidentNotifier notifier,
                       AlertEvents events, JsonBodies bodies, AuditLog audit, Confirmations confirmations) {
        Db db = new Db(dataSource, STATEMENT_TIMEOUT);
        AlertRepository alerts = new AlertRepository(db, bodies.mapper());
        this.alertRoutes = new AlertRoutes(new AlertService(db, alerts, notifier, events, audit, clock), bodies);
        RuleService rules = new RuleService(db, new RuleRepository(db, bodies.mapper()), engine, config, audit, clock);
        this.ruleRoutes = new RuleRoutes(rules, bodies, confirmations, (int) Math.min(400, config.effectivenessWindow().toDays()));
    }

    public List<ApiService> routes() {
        return List.of(alertRoutes, ruleRoutes);
    }
}

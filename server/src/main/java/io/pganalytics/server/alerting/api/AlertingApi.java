package io.pganalytics.server.alerting.api;

import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.RulePreview;
import io.pganalytics.common.alerting.SignalInfo;
import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.server.alerting.AlertEvents;
import io.pganalytics.server.alerting.RuleChecks;
import io.pganalytics.server.alerting.RulePreviewer;
import io.pganalytics.server.alerting.SignalSource;
import io.pganalytics.server.http.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.pganalytics.server.alerting.AlertingConfig;
import io.pganalytics.server.alerting.IncidentNotifier;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The alerting API, wired by hand for {@code AlertingFeature}: {@code new AlertingApi(...).routes()} in its
 * {@code routes(bodies, audit, confirmations)}.
 */
public final class AlertingApi {
    /** How long one API read or change may take before it is a 503. */
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(AlertingApi.class);

    private final AlertRoutes alertRoutes;
    private final RuleRoutes ruleRoutes;

    /**
     * @param engine   the engine's signals, rule checks and previewer ({@link #engine})
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

    /**
     * The engine as the rule routes see it: the signal catalogue, {@link RuleChecks} (each {@code field: problem} one
     * error detail) and the previewer (a database failure is a 503).
     */
    public static RuleEngine engine(SignalSource signals, RulePreviewer previewer) {
        return new RuleEngine() {
            @Override
            public List<SignalInfo> signals() {
                return signals.catalogue();
            }

            @Override
            public List<ErrorDetail> problems(AlertRule rule) {
                return RuleChecks.problems(rule, signals).stream().map(AlertingApi::detail).toList();
            }

            @Override
            public RulePreview preview(AlertRule rule, Instant from, Instant to) {
                try {
                    return previewer.preview(rule, from, to);
                } catch (IllegalArgumentException e) {
                    throw ApiException.invalid("rule", e.getMessage());
                } catch (SQLException e) {
                    LOG.warn("alerting: the preview of rule {} failed: {}", rule.name(), e.getMessage());
                    throw ApiException.unavailable("the preview could not read the history: retry later", Duration.ofSeconds(5));
                }
            }
        };
    }

    /** {@code condition.signal: unknown} as an error detail naming its field. */
    static ErrorDetail detail(String problem) {
        int colon = problem.indexOf(": ");
        return colon > 0 ? new ErrorDetail(problem.substring(0, colon), problem.substring(colon + 2)) : new ErrorDetail("rule", problem);
    }
}

package io.pganalytics.server.alerting;

import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.common.alerting.SignalInfo;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.alerting.api.AlertingApi;
import io.pganalytics.server.alerting.context.AlertingContext;
import io.pganalytics.server.alerting.notify.Notifications;
import io.pganalytics.server.alerting.pack.DefaultPack;
import io.pganalytics.server.alerting.signals.SqlSignalSource;
import io.pganalytics.server.anomaly.AnomalyConfig;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.cluster.JobLeases;
import io.pganalytics.server.crypto.CryptoFeature;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.ingest.IngestListener;
import io.pganalytics.server.ingest.InstanceUpdate;
import io.pganalytics.server.live.LiveFeature;
import io.pganalytics.server.maintenance.MaintenanceConfig;
import io.pganalytics.server.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Alerting on one node, wired: the context (instances and labels, silences, maintenance windows, on-call), the
 * evaluator of the rules this node owns, the notifier and its dispatcher, and the API.
 */
public final class AlertingFeature implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertingFeature.class);

    /** The implementations behind the seams (the signals, the context, the notifier, the live events). */
    public record Seams(SignalSource signals, InstanceDirectory instances, Suppressions suppressions, IncidentNotifier notifier,
                        AlertEvents events) {
    }

    private final AlertingConfig config;
    private final DataSource dataSource;
    private final HazelcastInstance hazelcast;
    private final String nodeName;
    private final Clock clock;
    private final MetricsRegistry metrics;
    private final MaintenanceConfig maintenance;
    private final LiveFeature live;
    private final CryptoFeature crypto;
    private final Seams seams;
    private final JobLeases leases;
    private final RuleEvaluator evaluator;
    private final RulePreviewer previewer;
    /** Instances and labels, silences, maintenance windows, on-call; null when the seams were given (tests). */
    private final AlertingContext context;
    /** Receivers, routes, the notifier and its dispatcher; null when the seams were given (tests). */
    private final Notifications notifications;

    /**
     * The product's wiring: the signals from the stored series (server.alerting.signals), the context's instances,
     * silences, maintenance windows and on-call (server.alerting.context), the notifier and its dispatcher
     * (server.alerting.notify, receivers' secrets sealed by {@code crypto}) and the live streams' events.
     *
     * @param anomalyThreshold the anomaly detector's threshold ({@code anomaly.detector.threshold}), which anomaly-based
     *                         rules scale by their sensitivity factor
     */
    public AlertingFeature(AlertingConfig config, DataSource dataSource, HazelcastInstance hazelcast, String nodeName, Clock clock,
                           MetricsRegistry metrics, MaintenanceConfig maintenance, LiveFeature live, CryptoFeature crypto,
                           double anomalyThreshold) {
        this(config, dataSource, hazelcast, nodeName, clock, metrics, maintenance, live, crypto, anomalyThreshold,
                new AlertingContext(dataSource, hazelcast, clock));
    }

    private AlertingFeature(AlertingConfig config, DataSource dataSource, HazelcastInstance hazelcast, String nodeName, Clock clock,
                            MetricsRegistry metrics, MaintenanceConfig maintenance, LiveFeature live, CryptoFeature crypto,
                            double anomalyThreshold, AlertingContext context) {
        this(config, dataSource, hazelcast, nodeName, clock, metrics, maintenance, live, crypto, anomalyThreshold, context,
                notifications(config, dataSource, nodeName, clock, metrics, crypto, context.onCall()));
    }

    private AlertingFeature(AlertingConfig config, DataSource dataSource, HazelcastInstance hazelcast, String nodeName, Clock clock,
                            MetricsRegistry metrics, MaintenanceConfig maintenance, LiveFeature live, CryptoFeature crypto,
                            double anomalyThreshold, AlertingContext context, Notifications notifications) {
        this(config, dataSource, hazelcast, nodeName, clock, metrics, maintenance, live, crypto,
                new Seams(new SqlSignalSource(), context.instances(), context.suppressions(), notifications.notifier(), live.alertEvents()),
                anomalyThreshold, context, notifications);
    }

    private static Notifications notifications(AlertingConfig config, DataSource dataSource, String nodeName, Clock clock,
                                               MetricsRegistry metrics, CryptoFeature crypto, OnCallDirectory onCall) {
        crypto.register(Notifications.sealedColumn());
        return new Notifications(config, dataSource, nodeName, clock, metrics, crypto.sealer(), onCall);
    }

    /**
     * @param anomalyThreshold the anomaly detector's threshold, which anomaly-based rules scale by their sensitivity factor
     */
    public AlertingFeature(AlertingConfig config, DataSource dataSource, HazelcastInstance hazelcast, String nodeName, Clock clock,
                           MetricsRegistry metrics, MaintenanceConfig maintenance, LiveFeature live, CryptoFeature crypto, Seams seams,
                           double anomalyThreshold) {
        this(config, dataSource, hazelcast, nodeName, clock, metrics, maintenance, live, crypto, seams, anomalyThreshold, null, null);
    }

    private AlertingFeature(AlertingConfig config, DataSource dataSource, HazelcastInstance hazelcast, String nodeName, Clock clock,
                            MetricsRegistry metrics, MaintenanceConfig maintenance, LiveFeature live, CryptoFeature crypto, Seams seams,
                            double anomalyThreshold, AlertingContext context, Notifications notifications) {
        this.config = config;
        this.context = context;
        this.notifications = notifications;
        this.dataSource = dataSource;
        this.hazelcast = hazelcast;
        this.nodeName = nodeName;
        this.clock = clock;
        this.metrics = metrics;
        this.maintenance = maintenance;
        this.live = live;
        this.crypto = crypto;
        this.seams = seams;
        this.leases = new JobLeases(hazelcast, maintenance.leaseTtl());
        Conditions conditions = new Conditions(config.staleness(), anomalyThreshold);
        AlertStore store = new AlertStore(JsonMapping.newMapper());
        this.evaluator = new RuleEvaluator(config, dataSource, hazelcast, clock, seams.signals(), seams.instances(),
                new AlertStates(seams.suppressions()), store, new Incidents(JsonMapping.newMapper(), store, seams.notifier()),
                seams.events(), conditions, new AlertFigures(metrics), new AlertHousekeeping(dataSource, leases, maintenance, config, clock));
        this.previewer = new RulePreviewer(config, dataSource, seams.signals(), seams.instances(), conditions);
    }

    /** The notifier the evaluator tells of incidents' changes (server.alerting.notify). */
    public IncidentNotifier notifier() {
        return seams.notifier();
    }

    public AlertingConfig config() {
        return config;
    }

    /** The seams as wired (the API's checks and signal list read the signals). */
    public Seams seams() {
        return seams;
    }

    /** What a rule would have fired over a past span ({@code POST /api/v1/rules/preview}). */
    public RulePreviewer previewer() {
        return previewer;
    }

    /** Hears of stored batches: the rules covering the instances they carried are evaluated soon on their owners. */
    public IngestListener ingestListener() {
        return batch -> {
            if (!config.enabled()) {
                return;
            }
            long[] ids = batch.instances().stream().mapToLong(InstanceUpdate::instanceId).distinct().toArray();
            try {
                evaluator.notifyStored(ids);
            } catch (RuntimeException e) { // the next full round evaluates them anyway
                LOG.debug("alert evaluation: notice of batch {} not published: {}", batch.batchId(), e.toString());
            }
        };
    }

    /** Instances and labels, silences and maintenance windows, on-call: the seams the evaluator and notifier use. */
    public AlertingContext context() {
        return context;
    }

    /**
     * Installs the default rule pack (once per pack version: an operator's edits and deletions are kept), then starts
     * evaluating the rules this node owns and delivering due notifications (nothing when disabled).
     */
    public void start() {
        if (context != null) {
            try {
                DefaultPack.load().install(dataSource, clock);
            } catch (SQLException e) { // the rules can be added later through the API; the evaluator runs without them
                LOG.error("alerting: the default rule pack could not be installed on node {}: {}", nodeName, e.getMessage(), e);
            }
        }
        if (!config.enabled()) {
            LOG.info("alerting: disabled on node {} (alerting.enabled is false)", nodeName);
            return;
        }
        evaluator.start();
        if (notifications != null) {
            notifications.start();
        }
        LOG.info("alerting: node {} evaluates the rules it owns every {} and within {} of ingest", nodeName,
                config.evaluationInterval(), config.ingestDelay());
    }

    /** One evaluation round on the caller's thread (tests): every owned rule, or only on {@code instances}. */
    void evaluateNow(java.util.Set<Long> instances) throws java.sql.SQLException {
        evaluator.round(instances);
    }

    /** Rounds this node has run (tests wait on it). */
    long roundsRun() {
        return evaluator.roundsRun();
    }

    /** Whether this node evaluates the rule (the partition owner of its id). */
    boolean owns(long ruleId) {
        return evaluator.owns(ruleId);
    }

    /** The API: alerts, incidents, rules (server.alerting.api), the context's and the notifications' routes. */
    public List<ApiService> routes(JsonBodies bodies, AuditLog audit, Confirmations confirmations) {
        List<ApiService> routes = new java.util.ArrayList<>(new AlertingApi(config, dataSource, clock,
                AlertingApi.engine(seams.signals(), previewer), seams.notifier(), seams.events(), bodies, audit, confirmations).routes());
        if (context != null) {
            routes.addAll(context.routes(bodies, audit, confirmations));
        }
        if (notifications != null) {
            routes.addAll(notifications.routes(bodies, audit, confirmations));
        }
        return List.copyOf(routes);
    }

    @Override
    public void close() {
        evaluator.close();
        if (notifications != null) {
            notifications.close();
        }
        leases.close();
        if (context != null) {
            context.close();
        }
    }
}

package io.pganalytics.server.alerting;

import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.common.alerting.SignalInfo;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.alerting.api.AlertingApi;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

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

    /** No signal: no rule naming one is valid (the SQL signals of server.alerting.signals replace it). */
    static final SignalSource NO_SIGNALS = new SignalSource() {
        @Override
        public List<SignalInfo> catalogue() {
            return List.of();
        }

        @Override
        public boolean knows(String signal) {
            return false;
        }

        @Override
        public Map<Long, List<Point>> read(Connection c, String signal, long[] instanceIds, Instant from, Instant to, Duration step,
                                           int maxPerInstance) {
            return Map.of();
        }
    };
    /** Nothing held back. */
    static final Suppressions NO_SUPPRESSIONS = (at, instanceId, labels) -> List.of();
    /** No route: nothing notified. */
    static final IncidentNotifier NO_NOTIFIER = (c, change) -> {
    };
    static final AlertEvents NO_EVENTS = event -> {
    };

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

    public AlertingFeature(AlertingConfig config, DataSource dataSource, HazelcastInstance hazelcast, String nodeName, Clock clock,
                           MetricsRegistry metrics, MaintenanceConfig maintenance, LiveFeature live, CryptoFeature crypto) {
        this(config, dataSource, hazelcast, nodeName, clock, metrics, maintenance, live, crypto,
                new Seams(NO_SIGNALS, new InstanceTable(dataSource), NO_SUPPRESSIONS, NO_NOTIFIER, live.alertEvents()),
                AnomalyConfig.defaults().detector().threshold());
    }

    /**
     * @param anomalyThreshold the anomaly detector's threshold, which anomaly-based rules scale by their sensitivity factor
     */
    public AlertingFeature(AlertingConfig config, DataSource dataSource, HazelcastInstance hazelcast, String nodeName, Clock clock,
                           MetricsRegistry metrics, MaintenanceConfig maintenance, LiveFeature live, CryptoFeature crypto, Seams seams,
                           double anomalyThreshold) {
        this.config = config;
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

    /** Starts evaluating the rules this node owns and delivering due notifications (nothing when disabled). */
    public void start() {
        if (!config.enabled()) {
            LOG.info("alerting: disabled on node {} (alerting.enabled is false)", nodeName);
            return;
        }
        evaluator.start();
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

    public List<ApiService> routes(JsonBodies bodies, AuditLog audit, Confirmations confirmations) {
        return new AlertingApi(config, dataSource, clock, AlertingApi.engine(seams.signals(), previewer), seams.notifier(), seams.events(),
                bodies, audit, confirmations).routes();
    }

    @Override
    public void close() {
        evaluator.close();
        leases.close();
    }
}

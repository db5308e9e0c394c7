package io.pganalytics.server.alerting;

import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.server.alerting.notify.Notifications;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.crypto.CryptoFeature;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.ingest.IngestListener;
import io.pganalytics.server.live.LiveFeature;
import io.pganalytics.server.maintenance.MaintenanceConfig;
import io.pganalytics.server.metrics.MetricsRegistry;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Alerting on one node, wired: the context (instances and labels, silences, maintenance windows, on-call), the
 * evaluator of the rules this node owns, the notifier and its dispatcher, and the API.
 */
public final class AlertingFeature implements AutoCloseable {
    /** Nobody is on call until the on-call context (server.alerting.context) is wired: escalation to people records why not. */
    static final OnCallDirectory NO_ONCALL = new OnCallDirectory() {
        @Override
        public Optional<io.pganalytics.common.alerting.OnCallShift> onCall(long scheduleId, java.time.Instant at) {
            return Optional.empty();
        }

        @Override
        public Optional<io.pganalytics.common.alerting.OnCallShift> person(long userId) {
            return Optional.empty();
        }
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
    private final Notifications notifications;

    public AlertingFeature(AlertingConfig config, DataSource dataSource, HazelcastInstance hazelcast, String nodeName, Clock clock,
                           MetricsRegistry metrics, MaintenanceConfig maintenance, LiveFeature live, CryptoFeature crypto) {
        this.config = config;
        this.dataSource = dataSource;
        this.hazelcast = hazelcast;
        this.nodeName = nodeName;
        this.clock = clock;
        this.metrics = metrics;
        this.maintenance = maintenance;
        this.live = live;
        this.crypto = crypto;
        crypto.register(Notifications.sealedColumn());
        this.notifications = new Notifications(config, dataSource, nodeName, clock, metrics, crypto.sealer(), NO_ONCALL);
    }

    /** The notifier the evaluator tells of incidents' changes (server.alerting.notify). */
    public IncidentNotifier notifier() {
        return notifications.notifier();
    }

    public AlertingConfig config() {
        return config;
    }

    /** Hears of stored batches: the rules covering the instances they carried are evaluated soon on their owners. */
    public IngestListener ingestListener() {
        return batch -> {
        };
    }

    /** Starts evaluating the rules this node owns and delivering due notifications (nothing when disabled). */
    public void start() {
        notifications.start();
    }

    public List<ApiService> routes(JsonBodies bodies, AuditLog audit, Confirmations confirmations) {
        List<ApiService> services = new ArrayList<>(notifications.routes(bodies, audit, confirmations));
        return List.copyOf(services);
    }

    @Override
    public void close() {
        notifications.close();
    }
}

package io.pganalytics.server.alerting.context;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.alerting.InstanceDirectory;
import io.pganalytics.server.alerting.OnCallDirectory;
import io.pganalytics.server.alerting.Suppressions;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.List;

/**
 * The alerting context on one node, wired: build one per node (in {@code AlertingFeature}), hand its three seams to the
 * evaluator and notifier, add its {@link #routes} to the API, close it with the feature.
 * <ul>
 *   <li>{@link #instances()}: every monitored instance with its labels;</li>
 *   <li>{@link #suppressions()}: the silences and maintenance windows holding an alert back (record what they held
 *   by the evaluator in its transaction (table alert_suppression), so that it is listed afterwards);</li>
 *   <li>{@link #onCall()}: who is on call in a schedule, and a person's address.</li>
 * </ul>
 * All three are cached on this node and true within a second or so of a change made on any node (Hazelcast topic
 * {@code pga.alerting-context}); they read the database only when a cache is loaded.
 */
public final class AlertingContext implements AutoCloseable {
    private final ContextDb db;
    private final ContextNotices notices;
    private final LabelStore labels;
    private final SilenceStore silences;
    private final MaintenanceWindowStore windows;
    private final ContextSuppressions suppressions;
    private final SuppressionLog suppressionLog;
    private final ScheduleStore schedules;
    private final ContactStore contacts;
    private final EscalationPolicyStore policies;
    private final ContextOnCall onCall;

    public AlertingContext(DataSource dataSource, HazelcastInstance hazelcast, Clock clock) {
        this(dataSource, hazelcast, clock, JsonMapping.newMapper());
    }

    /** @param mapper the JSON mapping of the stored JSON columns (the wire model's) */
    public AlertingContext(DataSource dataSource, HazelcastInstance hazelcast, Clock clock, ObjectMapper mapper) {
        this.db = new ContextDb(dataSource, mapper);
        this.notices = new ContextNotices(hazelcast);
        this.labels = new LabelStore(db, notices);
        this.silences = new SilenceStore(db, notices, clock);
        this.windows = new MaintenanceWindowStore(db, notices, clock);
        this.suppressions = new ContextSuppressions(silences, windows, labels, notices, clock);
        this.suppressionLog = new SuppressionLog(db);
        this.schedules = new ScheduleStore(db, notices, clock);
        this.contacts = new ContactStore(db, notices, clock);
        this.policies = new EscalationPolicyStore(db, clock);
        this.onCall = new ContextOnCall(schedules, db, notices, clock);
    }

    public InstanceDirectory instances() {
        return labels;
    }

    public Suppressions suppressions() {
        return suppressions;
    }

    public OnCallDirectory onCall() {
        return onCall;
    }

    /**
     * The routes of labels, silences, maintenance windows and on-call (paths, roles and bounds in docs/ALERTING.md and
     * the OpenAPI document).
     */
    public List<ApiService> routes(JsonBodies bodies, AuditLog audit, Confirmations confirmations) {
        return List.of(new LabelRoutes(labels, bodies, audit), new SilenceRoutes(silences, suppressionLog, bodies, audit),
                new MaintenanceWindowRoutes(windows, suppressionLog, bodies, audit),
                new OnCallRoutes(schedules, contacts, policies, onCall, bodies, audit, confirmations));
    }

    @Override
    public void close() {
        notices.close();
    }
}

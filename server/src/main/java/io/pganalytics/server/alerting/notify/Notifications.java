package io.pganalytics.server.alerting.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.alerting.DeliveryResult;
import io.pganalytics.common.alerting.Receiver;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.alerting.AlertingConfig;
import io.pganalytics.server.alerting.IncidentNotifier;
import io.pganalytics.server.alerting.OnCallDirectory;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.crypto.CryptoFeature;
import io.pganalytics.server.crypto.SealedColumn;
import io.pganalytics.server.crypto.Sealer;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Notifications on one node, wired: the {@link IncidentNotifier} the evaluator tells, the dispatcher and the timers
 * (escalations, repeats, acknowledgements) that every node runs, and the {@code /receivers} and {@code /routes} API.
 * {@code AlertingFeature} constructs it, registers {@link #sealedColumn()} and calls {@link #start()} and {@link #close()}.
 */
public final class Notifications implements AutoCloseable {
    static final int DELIVERY_THREADS = 4;
    static final int TESTS_AT_ONCE = 2;
    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);

    private final AlertingConfig config;
    private final ObjectMapper mapper = JsonMapping.newMapper();
    private final ReceiverStore receivers;
    private final RouteStore routes;
    private final Notifier notifier;
    private final NotificationTimers timers;
    private final Dispatcher dispatcher;
    private final Map<String, Channel> channels;
    private final Clock clock;
    private final ExecutorService deliveries;
    private final ScheduledExecutorService loop;
    private final Semaphore tests = new Semaphore(TESTS_AT_ONCE);

    /**
     * @param sealer the key service's sealer (secrets of receivers)
     * @param onCall who is on call (server.alerting.context), for escalation policies
     */
    public Notifications(AlertingConfig config, DataSource dataSource, String nodeName, Clock clock, MetricsRegistry metrics, Sealer sealer,
                         OnCallDirectory onCall) {
        this.config = config;
        this.clock = clock;
        MetricsRegistry.Counter counter = metrics.counter("pganalytics_alert_notifications_total",
                "Alert notifications by channel and result (sent, retry, failed, dropped, superseded)", "channel", "result");
        this.receivers = new ReceiverStore(dataSource, sealer, mapper, clock);
        this.routes = new RouteStore(dataSource, mapper, clock);
        EscalationPolicies policies = new EscalationPolicies(mapper, onCall);
        NotificationLog log = new NotificationLog(config.maxPendingNotifications(), mapper, counter, clock);
        this.notifier = new Notifier(config, routes, policies, log, clock);
        this.timers = new NotificationTimers(config, dataSource, policies, log, clock);
        Templates templates = new Templates();
        this.channels = Map.of(
                Receiver.EMAIL, new EmailChannel(templates, config.deliveryTimeout()),
                Receiver.WEBHOOK, new HttpChannel(Receiver.WEBHOOK, templates, config.deliveryTimeout()),
                Receiver.SLACK, new HttpChannel(Receiver.SLACK, templates, config.deliveryTimeout()),
                Receiver.TEAMS, new HttpChannel(Receiver.TEAMS, templates, config.deliveryTimeout()),
                Receiver.PAGERDUTY, new HttpChannel(Receiver.PAGERDUTY, templates, config.deliveryTimeout()));
        this.deliveries = Executors.newFixedThreadPool(DELIVERY_THREADS, Thread.ofPlatform().daemon().name("pga-notify-delivery-", 0).factory());
        this.loop = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("pga-notify-dispatch").factory());
        this.dispatcher = new Dispatcher(config, dataSource, nodeName, clock, receivers, channels, mapper, counter, deliveries);
    }

    /** The column the receivers' secrets are sealed in: register it with {@link CryptoFeature#register}. */
    public static SealedColumn sealedColumn() {
        return ReceiverStore.SECRETS;
    }

    /** What the evaluator tells of incidents' changes (in its transaction). */
    public IncidentNotifier notifier() {
        return notifier;
    }

    /** Starts the dispatcher and the timers on this node (nothing when alerting is disabled). */
    public void start() {
        if (!config.enabled()) {
            return;
        }
        long every = config.dispatchInterval().toMillis();
        loop.scheduleWithFixedDelay(this::round, every, every, TimeUnit.MILLISECONDS);
    }

    /** One round of timers and deliveries; a failure is logged and the next round tries again (the loop never dies). */
    void round() {
        try {
            timers.run();
            while (dispatcher.round() == Dispatcher.BATCH) {
                // a full batch: more may be due
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("notifications: a dispatch round failed, retrying in {} ms: {}", config.dispatchInterval().toMillis(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public List<ApiService> routes(JsonBodies bodies, AuditLog audit, Confirmations confirmations) {
        return List.of(new ReceiverRoutes(receivers, this, bodies, audit, confirmations), new AlertRouteRoutes(routes, bodies, audit, confirmations));
    }

    /** {@code POST /receivers/{id}/test}: a test message sent now, not recorded in the notification log. */
    DeliveryResult test(long receiverId) {
        ReceiverTarget receiver = receivers.target(receiverId).orElseThrow(() -> ReceiverStore.notFound(receiverId));
        if (!tests.tryAcquire()) {
            throw ApiException.unavailable("too many receiver tests are running on this server; try again shortly", Duration.ofSeconds(5));
        }
        try {
            Instant now = clock.instant();
            IncidentSnapshot incident = new IncidentSnapshot(0, "open", "info", "Test notification from pgAnalytics", "", now, null, null, null, 0,
                    List.of(new IncidentSnapshot.Alert(0, "TestNotification", "firing", "info",
                            "This is a test of receiver '" + receiver.name() + "': no action is needed.", null, now, null, false,
                            Map.of("alertname", "TestNotification", "severity", "info"))), 1, List.of());
            Templates.Delivery delivery = new Templates.Delivery(0, "firing", null, null, false);
            DeliveryResult result = sendGuarded(channels.get(receiver.kind()), receiver, Templates.context(incident, delivery, now), delivery);
            LOG.info("notifications: test of receiver {} ({}): {}", receiverId, receiver.kind(), result.delivered() ? "delivered" : result.error());
            return result;
        } finally {
            tests.release();
        }
    }

    /**
     * A channel's attempt whose unexpected failure is a failed result (recorded and retried like any other), never an
     * exception that would leave the row claimed; the exception's message is not shown (it may quote a secret).
     */
    static DeliveryResult sendGuarded(Channel channel, ReceiverTarget receiver, Map<String, Object> context, Templates.Delivery delivery) {
        try {
            return channel.send(receiver, context, delivery);
        } catch (RuntimeException e) {
            LOG.warn("notifications: sending through {} failed unexpectedly: {}", receiver, e.getClass().getName());
            return new DeliveryResult(false, null, "the " + receiver.kind() + " channel failed unexpectedly (" + e.getClass().getSimpleName()
                    + "); see the server log", 0);
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
        deliveries.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
            deliveries.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

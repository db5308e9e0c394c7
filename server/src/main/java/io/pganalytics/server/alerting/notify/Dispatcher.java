package io.pganalytics.server.alerting.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.alerting.DeliveryResult;
import io.pganalytics.server.alerting.AlertingConfig;
import io.pganalytics.server.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Delivers due notifications, on every node: claims a batch ({@code FOR UPDATE SKIP LOCKED}, {@code claimed_by},
 * {@code claimed_until}: a claim left by a dead node is taken again once it expired), renders each with the incident
 * as it is now, sends it, and records the result: sent; or, after a failure, another attempt after an exponential
 * backoff with jitter ({@code retry-initial} doubled per attempt, at most {@code retry-max}) until {@code max-attempts}
 * or a final refusal makes it failed. An escalation step or repeat of an incident acknowledged or resolved meanwhile,
 * and an update of a resolved incident, are not sent (recorded as dropped, saying why).
 */
final class Dispatcher {
    static final int BATCH = 20;
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    record Claimed(long id, long incidentId, Long receiverId, String recipient, String event, Integer level, int attempts, String dedupKey) {
    }

    private final AlertingConfig config;
    private final DataSource dataSource;
    private final String nodeName;
    private final Clock clock;
    private final ReceiverStore receivers;
    private final Map<String, Channel> channels;
    private final ObjectMapper mapper;
    private final MetricsRegistry.Counter notifications;
    private final ExecutorService deliveries;

    Dispatcher(AlertingConfig config, DataSource dataSource, String nodeName, Clock clock, ReceiverStore receivers, Map<String, Channel> channels,
               ObjectMapper mapper, MetricsRegistry.Counter notifications, ExecutorService deliveries) {
        this.config = config;
        this.dataSource = dataSource;
        this.nodeName = nodeName.length() > 100 ? nodeName.substring(0, 100) : nodeName;
        this.clock = clock;
        this.receivers = receivers;
        this.channels = Map.copyOf(channels);
        this.mapper = mapper;
        this.notifications = notifications;
        this.deliveries = deliveries;
    }

    /** How long a claim holds: every timeout of one attempt (connect, answer, write), with room. */
    Duration claimTime() {
        return config.deliveryTimeout().multipliedBy(4).plusSeconds(10);
    }

    /** One round: claims what is due and delivers it; the number of notifications handled. */
    int round() throws SQLException, InterruptedException {
        List<Claimed> claimed = claim();
        List<Future<?>> running = new ArrayList<>();
        for (Claimed notification : claimed) {
            running.add(deliveries.submit(() -> {
                deliver(notification);
                return null;
            }));
        }
        for (Future<?> future : running) {
            try {
                future.get();
            } catch (ExecutionException e) {
                LOG.warn("notifications: a delivery failed unexpectedly on {}: {}", nodeName, e.getCause().toString());
            }
        }
        return claimed.size();
    }

    List<Claimed> claim() throws SQLException {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("UPDATE alert_notification SET claimed_by = ?, claimed_until = ? WHERE id IN ("
                     + "SELECT id FROM alert_notification WHERE state = 'pending' AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?) "
                     + "ORDER BY next_attempt_at, id LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED) "
                     + "RETURNING id, incident_id, receiver_id, recipient, event, escalation_level, attempts, dedup_key")) {
            c.setAutoCommit(true);
            s.setString(1, nodeName);
            s.setTimestamp(2, Timestamp.from(now.plus(claimTime())));
            s.setTimestamp(3, Timestamp.from(now));
            s.setTimestamp(4, Timestamp.from(now));
            List<Claimed> claimed = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    int level = r.getInt(6);
                    Integer boxed = r.wasNull() ? null : level;
                    claimed.add(new Claimed(r.getLong(1), r.getLong(2), (Long) r.getObject(3), r.getString(4), r.getString(5), boxed, r.getInt(7),
                            r.getString(8)));
                }
            }
            claimed.sort((a, b) -> Long.compare(a.id(), b.id()));
            return claimed;
        }
    }

    void deliver(Claimed notification) throws SQLException {
        Optional<IncidentSnapshot> incident;
        try (Connection c = dataSource.getConnection()) {
            incident = IncidentSnapshot.read(c, notification.incidentId(), mapper);
        }
        if (incident.isEmpty()) {
            finish(notification, NotificationLog.FAILED, null, "its incident was deleted", "none", "failed");
            return;
        }
        String state = incident.get().state();
        boolean acknowledgement = notification.dedupKey().contains(":acknowledged:");
        if (("escalated".equals(notification.event()) || "repeat".equals(notification.event())) && !"open".equals(state)) {
            finish(notification, NotificationLog.DROPPED, null, "not sent: the incident was " + state + " before it was due", "none", "superseded");
            return;
        }
        if ("updated".equals(notification.event()) && !acknowledgement && "resolved".equals(state)) {
            finish(notification, NotificationLog.DROPPED, null, "not sent: the incident resolved before the update was due", "none", "superseded");
            return;
        }
        Optional<ReceiverTarget> receiver = notification.receiverId() == null ? Optional.empty() : receivers.target(notification.receiverId());
        if (receiver.isEmpty()) {
            finish(notification, NotificationLog.FAILED, null, "its receiver was deleted", "none", "failed");
            return;
        }
        Channel channel = channels.get(receiver.get().kind());
        Templates.Delivery delivery = new Templates.Delivery(notification.id(), notification.event(), notification.recipient(), notification.level(),
                acknowledgement);
        DeliveryResult result = Notifications.sendGuarded(channel, receiver.get(), Templates.context(incident.get(), delivery, clock.instant()),
                delivery);
        String kind = receiver.get().kind();
        if (result.delivered()) {
            finish(notification, NotificationLog.SENT, result.status(), null, kind, "sent");
        } else if (notification.attempts() + 1 >= config.maxAttempts() || !channel.retryable(result)) {
            LOG.warn("notifications: {} to receiver {} gave up after {} attempt(s): {}", notification.dedupKey(), receiver.get().id(),
                    notification.attempts() + 1, result.error());
            finish(notification, NotificationLog.FAILED, result.status(), result.error(), kind, "failed");
        } else {
            retry(notification, result, kind);
        }
    }

    /** The delay before attempt {@code attempts + 1}: retry-initial x 2^(attempts-1), at most retry-max, the upper half jittered. */
    Duration backoff(int attempts) {
        long initial = config.retryInitial().toMillis();
        long max = config.retryMax().toMillis();
        long delay = initial;
        for (int i = 1; i < attempts && delay < max; i++) {
            delay *= 2;
        }
        delay = Math.min(delay, max);
        return Duration.ofMillis(delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1));
    }

    private void retry(Claimed notification, DeliveryResult result, String kind) throws SQLException {
        int attempts = notification.attempts() + 1;
        Instant next = clock.instant().plus(backoff(attempts));
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("UPDATE alert_notification SET attempts = attempts + 1, next_attempt_at = ?, claimed_by = NULL, "
                     + "claimed_until = NULL, response_status = ?, last_error = ? WHERE id = ? AND claimed_by = ? AND state = 'pending'")) {
            c.setAutoCommit(true);
            s.setTimestamp(1, Timestamp.from(next));
            setInt(s, 2, result.status());
            s.setString(3, limit(result.error()));
            s.setLong(4, notification.id());
            s.setString(5, nodeName);
            s.executeUpdate();
        }
        notifications.inc(kind, "retry");
    }

    private void finish(Claimed notification, String state, Integer status, String error, String kind, String result) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("UPDATE alert_notification SET state = ?, attempts = attempts + ?, sent_at = ?, response_status = ?, "
                     + "last_error = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ? AND state = 'pending'")) {
            c.setAutoCommit(true);
            s.setString(1, state);
            s.setInt(2, NotificationLog.DROPPED.equals(state) ? 0 : 1);
            if (NotificationLog.SENT.equals(state)) {
                s.setTimestamp(3, Timestamp.from(clock.instant()));
            } else {
                s.setNull(3, Types.TIMESTAMP_WITH_TIMEZONE);
            }
            setInt(s, 4, status);
            s.setString(5, limit(error));
            s.setLong(6, notification.id());
            s.setString(7, nodeName);
            s.executeUpdate();
        }
        notifications.inc(kind, result);
    }

    private static void setInt(PreparedStatement s, int i, Integer value) throws SQLException {
        if (value == null) {
            s.setNull(i, Types.INTEGER);
        } else {
            s.setInt(i, value);
        }
    }

    private static String limit(String text) {
        return text == null || text.length() <= 1000 ? text : text.substring(0, 1000);
    }
}

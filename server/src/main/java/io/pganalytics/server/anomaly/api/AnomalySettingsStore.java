package io.pganalytics.server.anomaly.api;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import io.pganalytics.common.anomaly.AnomalyExclusion;
import io.pganalytics.common.anomaly.AnomalySettings;
import io.pganalytics.server.anomaly.AnomalyTuning;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.RequestParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Per-instance sensitivity ({@code anomaly_settings}) and exclusions ({@code anomaly_exclusion}), as operators change
 * them and as the scorer reads them. The scorer's reads ({@link #thresholdFactor}, {@link #excluded}) are served from a
 * cache on each node: a change clears the entry on every node through the Hazelcast topic {@code pga.anomaly-settings}
 * (within a second or so), and an entry is reloaded after {@link #CACHE_TTL} in any case, should a notice be lost.
 * Changes are audited in the transaction that makes them.
 */
public final class AnomalySettingsStore implements AnomalyTuning, AutoCloseable {
    static final String TOPIC = "pga.anomaly-settings";
    static final Duration CACHE_TTL = Duration.ofSeconds(60);
    static final int MAX_EXCLUSIONS = 100;
    static final int MAX_REASON = 500;
    /** How far from now an exclusion may start: a year either way. */
    static final Duration MAX_DISTANCE = Duration.ofDays(366);
    /** The collection interval the learning estimate assumes (the collector's default). */
    static final Duration ASSUMED_INTERVAL = Duration.ofSeconds(60);
    static final String SETTINGS_ACTION = "anomaly.settings.update";
    static final String EXCLUSION_CREATE_ACTION = "anomaly.exclusion.create";
    static final String EXCLUSION_DELETE_ACTION = "anomaly.exclusion.delete";
    private static final int MAX_CACHED = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(AnomalySettingsStore.class);

    /** One instance's tuning as the scorer reads it. */
    private record Tuning(double factor, List<Window> windows, long loadedAt) {
    }

    /** An exclusion's window: {@code series} null for every series; {@code endsAt} null for open-ended. */
    private record Window(String series, Instant startsAt, Instant endsAt) {
        boolean covers(String name, Instant at) {
            return (series == null || series.equals(name) || name.startsWith(series + ":"))
                    && !at.isBefore(startsAt) && (endsAt == null || at.isBefore(endsAt));
        }
    }

    private final DataSource dataSource;
    private final Clock clock;
    private final LongFunction<Optional<LearningStatus>> learning;
    private final Duration ttl;
    private final ITopic<Long> topic;
    private final UUID registration;
    private final int learningPoints;
    private final Map<Long, Tuning> cache = new ConcurrentHashMap<>();
    /** Counts invalidations: a load that saw one begin while it read does not cache what it read (it may be stale). */
    private final AtomicLong invalidations = new AtomicLong();

    /**
     * @param learningPoints the points a series' detector sees before it may flag anything ({@code anomaly.detector.learningPoints})
     * @param learning       how far an instance's detectors have learned, when the scorer knows; empty: estimated from
     *                       the checkpointed state (a series learns while its detector has seen fewer than
     *                       {@code learningPoints} points, and is done after the rest at {@link #ASSUMED_INTERVAL})
     */
    public AnomalySettingsStore(DataSource dataSource, HazelcastInstance hazelcast, Clock clock, int learningPoints,
                                LongFunction<Optional<LearningStatus>> learning) {
        this(dataSource, hazelcast, clock, learningPoints, learning, CACHE_TTL);
    }

    AnomalySettingsStore(DataSource dataSource, HazelcastInstance hazelcast, Clock clock, int learningPoints,
                         LongFunction<Optional<LearningStatus>> learning, Duration ttl) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.learningPoints = learningPoints;
        this.learning = learning;
        this.ttl = ttl;
        this.topic = hazelcast.getTopic(TOPIC);
        this.registration = topic.addMessageListener(message -> invalidate(message.getMessageObject()));
    }

    private void invalidate(long instanceId) {
        invalidations.incrementAndGet();
        cache.remove(instanceId);
    }

    @Override
    public double thresholdFactor(long instanceId) {
        return tuning(instanceId).factor();
    }

    @Override
    public boolean excluded(long instanceId, String series, Instant at) {
        for (Window window : tuning(instanceId).windows()) {
            if (window.covers(series, at)) {
                return true;
            }
        }
        return false;
    }

    private Tuning tuning(long instanceId) {
        Tuning cached = cache.get(instanceId);
        long now = System.nanoTime();
        if (cached != null && now - cached.loadedAt() < ttl.toNanos()) {
            return cached;
        }
        long generation = invalidations.get();
        Tuning loaded;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            List<Window> windows = new ArrayList<>();
            for (AnomalyExclusion exclusion : exclusions(c, instanceId)) {
                windows.add(new Window(exclusion.series(), exclusion.startsAt(), exclusion.endsAt()));
            }
            loaded = new Tuning(AnomalySettings.thresholdFactor(sensitivity(c, instanceId).map(Stored::sensitivity)
                    .orElse(AnomalySettings.NORMAL)), List.copyOf(windows), now);
        } catch (SQLException e) {
            throw new IllegalStateException("anomaly settings of instance " + instanceId + ": cannot read them: " + e.getMessage(), e);
        }
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(instanceId, loaded);
        if (invalidations.get() != generation) {
            cache.remove(instanceId); // a change was announced while this read: the next call reads again
        }
        return loaded;
    }

    /** The settings view of an instance: 404 when it is not monitored. */
    public AnomalySettings view(long instanceId) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            requireInstance(c, instanceId);
            return view(c, instanceId);
        } catch (SQLException e) {
            throw new IllegalStateException("anomaly settings of instance " + instanceId + ": cannot read them: " + e.getMessage(), e);
        }
    }

    /** Sets an instance's sensitivity ({@code low}, {@code normal}, {@code high}); audited with before and after. */
    public AnomalySettings updateSensitivity(long instanceId, String requested, String userId, AuditEvent.Actor actor, AuditLog audit) {
        String sensitivity = sensitivity(requested);
        change(instanceId, c -> {
            String before = sensitivity(c, instanceId).map(Stored::sensitivity).orElse(AnomalySettings.NORMAL);
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO anomaly_settings (instance_id, sensitivity, updated_by, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (instance_id) DO UPDATE SET sensitivity = EXCLUDED.sensitivity, updated_by = EXCLUDED.updated_by,
                        updated_at = EXCLUDED.updated_at""")) {
                ps.setLong(1, instanceId);
                ps.setString(2, sensitivity);
                ps.setString(3, userId);
                ps.setTimestamp(4, Timestamp.from(clock.instant()));
                ps.executeUpdate();
            }
            audit.append(c, AuditEvent.change(SETTINGS_ACTION, "anomaly-settings", Long.toString(instanceId)).actor(actor)
                    .change(Map.of("sensitivity", before), Map.of("sensitivity", sensitivity)));
            return null;
        });
        return view(instanceId);
    }

    /** Adds an exclusion: 400 for a bad one, 409 beyond {@link #MAX_EXCLUSIONS}; audited. */
    public AnomalyExclusion addExclusion(long instanceId, AnomalyExclusion request, String userId, AuditEvent.Actor actor,
                                         AuditLog audit) {
        AnomalyExclusion checked = checked(request);
        return change(instanceId, c -> {
            int count;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM anomaly_exclusion WHERE instance_id = ?")) {
                ps.setLong(1, instanceId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    count = rs.getInt(1);
                }
            }
            if (count >= MAX_EXCLUSIONS) {
                throw ApiException.conflict("instance " + instanceId + " has " + count + " exclusions, the most it may have: delete one first");
            }
            Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            long id;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO anomaly_exclusion (instance_id, series, starts_at, ends_at, reason, created_by, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""")) {
                ps.setLong(1, instanceId);
                ps.setString(2, checked.series());
                ps.setTimestamp(3, Timestamp.from(checked.startsAt()));
                ps.setTimestamp(4, checked.endsAt() == null ? null : Timestamp.from(checked.endsAt()));
                ps.setString(5, checked.reason());
                ps.setString(6, userId);
                ps.setTimestamp(7, Timestamp.from(now));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            AnomalyExclusion stored = new AnomalyExclusion(id, checked.series(), checked.startsAt(), checked.endsAt(),
                    checked.reason(), userId, now);
            audit.append(c, AuditEvent.change(EXCLUSION_CREATE_ACTION, "anomaly-exclusion", Long.toString(id)).actor(actor)
                    .change(null, describe(instanceId, stored)));
            return stored;
        });
    }

    /** Removes an exclusion of an instance: false when it has none with that id; audited. */
    public boolean removeExclusion(long instanceId, long exclusionId, AuditEvent.Actor actor, AuditLog audit) {
        return change(instanceId, c -> {
            AnomalyExclusion removed = null;
            try (PreparedStatement ps = c.prepareStatement("""
                    DELETE FROM anomaly_exclusion WHERE id = ? AND instance_id = ?
                    RETURNING id, series, starts_at, ends_at, reason, created_by, created_at""")) {
                ps.setLong(1, exclusionId);
                ps.setLong(2, instanceId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        removed = exclusion(rs);
                    }
                }
            }
            if (removed == null) {
                return false;
            }
            audit.append(c, AuditEvent.change(EXCLUSION_DELETE_ACTION, "anomaly-exclusion", Long.toString(exclusionId)).actor(actor)
                    .change(describe(instanceId, removed), null));
            return true;
        });
    }

    @FunctionalInterface
    private interface Change<T> {
        T apply(Connection c) throws SQLException;
    }

    /**
     * A change in one transaction under the instance's settings lock (404 for an unknown instance), then the cache
     * cleared here at once and on every other node by the topic.
     */
    private <T> T change(long instanceId, Change<T> change) {
        T result;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(1617, ?)")) {
                    ps.setInt(1, (int) (instanceId % Integer.MAX_VALUE));
                    ps.execute();
                }
                requireInstance(c, instanceId);
                result = change.apply(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("anomaly settings of instance " + instanceId + ": cannot change them: " + e.getMessage(), e);
        }
        invalidate(instanceId);
        try {
            topic.publish(instanceId);
        } catch (RuntimeException e) {
            // the change is committed; other nodes see it when their entry expires
            LOG.warn("anomaly settings of instance {}: other nodes were not told of the change (they see it within {}): {}",
                    instanceId, ttl, e.toString());
        }
        return result;
    }

    private AnomalySettings view(Connection c, long instanceId) throws SQLException {
        Optional<Stored> stored = sensitivity(c, instanceId);
        LearningStatus status = learning.apply(instanceId).orElseGet(() -> fromStates(c, instanceId));
        return new AnomalySettings(instanceId, stored.map(Stored::sensitivity).orElse(AnomalySettings.NORMAL), exclusions(c, instanceId),
                status.seriesLearning() > 0, status.seriesLearning(), status.seriesTotal(), status.learningUntil(),
                stored.map(Stored::updatedBy).orElse(null), stored.map(Stored::updatedAt).orElse(null));
    }

    /**
     * Without the scorer's word, from the checkpointed state: the series scored, those whose detector has seen fewer
     * than {@code learningPoints} points, and when the last of them has seen enough at {@link #ASSUMED_INTERVAL}.
     */
    private LearningStatus fromStates(Connection c, long instanceId) {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT count(*), count(*) FILTER (WHERE points < ?),
                       max(last_point_at + (? - points) * make_interval(secs => ?)) FILTER (WHERE points < ?)
                FROM anomaly_detector_state WHERE instance_id = ?""")) {
            ps.setLong(1, learningPoints);
            ps.setLong(2, learningPoints);
            ps.setLong(3, ASSUMED_INTERVAL.toSeconds());
            ps.setLong(4, learningPoints);
            ps.setLong(5, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Timestamp until = rs.getTimestamp(3);
                return new LearningStatus(rs.getInt(2), rs.getInt(1), until == null ? null : until.toInstant());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("anomaly detector state of instance " + instanceId + ": " + e.getMessage(), e);
        }
    }

    private record Stored(String sensitivity, String updatedBy, Instant updatedAt) {
    }

    private static Optional<Stored> sensitivity(Connection c, long instanceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT sensitivity, updated_by, updated_at FROM anomaly_settings WHERE instance_id = ?")) {
            ps.setLong(1, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Stored(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()))
                        : Optional.empty();
            }
        }
    }

    private static List<AnomalyExclusion> exclusions(Connection c, long instanceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id, series, starts_at, ends_at, reason, created_by, created_at FROM anomaly_exclusion
                WHERE instance_id = ? ORDER BY created_at DESC, id DESC LIMIT ?""")) {
            ps.setLong(1, instanceId);
            ps.setInt(2, MAX_EXCLUSIONS);
            List<AnomalyExclusion> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(exclusion(rs));
                }
            }
            return list;
        }
    }

    private static AnomalyExclusion exclusion(ResultSet rs) throws SQLException {
        Timestamp ends = rs.getTimestamp("ends_at");
        return new AnomalyExclusion(rs.getLong("id"), rs.getString("series"), rs.getTimestamp("starts_at").toInstant(),
                ends == null ? null : ends.toInstant(), rs.getString("reason"), rs.getString("created_by"),
                rs.getTimestamp("created_at").toInstant());
    }

    private static void requireInstance(Connection c, long instanceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM monitored_instance WHERE id = ?")) {
            ps.setLong(1, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound("no monitored instance with id " + instanceId);
                }
            }
        }
    }

    private static String sensitivity(String requested) {
        String value = requested == null ? "" : requested.strip().toLowerCase(Locale.ROOT);
        if (!List.of(AnomalySettings.LOW, AnomalySettings.NORMAL, AnomalySettings.HIGH).contains(value)) {
            throw ApiException.invalid("sensitivity", "must be low, normal or high, was '" + RequestParameters.abbreviate(requested) + "'");
        }
        return value;
    }

    /** The request's exclusion, checked (400 naming the field), with its series and reason trimmed. */
    private AnomalyExclusion checked(AnomalyExclusion request) {
        if (request == null) {
            throw ApiException.malformed("a body is required: {\"series\": \"tps\", \"startsAt\": \"...\", \"endsAt\": \"...\", \"reason\": \"...\"}");
        }
        String series = request.series() == null || request.series().isBlank() ? null : request.series().strip();
        if (series != null && !AnomalyFilter.SERIES.matcher(series).matches()) {
            throw ApiException.invalid("series", "must be a detection series name (see GET /api/v1/anomalies/series) or null for every series, was '"
                    + RequestParameters.abbreviate(series) + "'");
        }
        String reason = request.reason() == null ? "" : request.reason().strip();
        if (reason.isEmpty() || reason.length() > MAX_REASON) {
            throw ApiException.invalid("reason", "is required: 1 to " + MAX_REASON + " characters saying why, was "
                    + reason.length() + " characters");
        }
        if (RequestParameters.hasControlCharacter(reason)) {
            throw ApiException.invalid("reason", "must not contain control characters");
        }
        if (request.startsAt() == null) {
            throw ApiException.invalid("startsAt", "is required: an ISO-8601 instant such as 2026-11-21T10:00:00Z");
        }
        Instant now = clock.instant();
        if (request.startsAt().isBefore(now.minus(MAX_DISTANCE)) || request.startsAt().isAfter(now.plus(MAX_DISTANCE))) {
            throw ApiException.invalid("startsAt", "must be within a year of now, was " + request.startsAt());
        }
        if (request.endsAt() != null && !request.endsAt().isAfter(request.startsAt())) {
            throw ApiException.invalid("endsAt", "must be after startsAt (" + request.startsAt() + "), was " + request.endsAt());
        }
        return new AnomalyExclusion(0, series, request.startsAt().truncatedTo(java.time.temporal.ChronoUnit.MICROS),
                request.endsAt() == null ? null : request.endsAt().truncatedTo(java.time.temporal.ChronoUnit.MICROS), reason, null, null);
    }

    private static Map<String, Object> describe(long instanceId, AnomalyExclusion exclusion) {
        Map<String, Object> map = new TreeMap<>();
        map.put("instanceId", instanceId);
        map.put("series", exclusion.series() == null ? "*" : exclusion.series());
        map.put("startsAt", exclusion.startsAt().toString());
        map.put("endsAt", exclusion.endsAt() == null ? "open" : exclusion.endsAt().toString());
        map.put("reason", exclusion.reason());
        return map;
    }

    @Override
    public void close() {
        try {
            topic.removeMessageListener(registration);
        } catch (RuntimeException e) {
            // the member may already be leaving
            LOG.debug("anomaly settings: removing the topic listener: {}", e.toString());
        }
    }
}

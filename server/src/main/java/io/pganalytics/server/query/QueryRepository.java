package io.pganalytics.server.query;

import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.query.DatabaseInfo;
import io.pganalytics.common.query.InstanceStatus;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.common.query.KeyFigures;
import io.pganalytics.common.query.SeriesPoint;
import io.pganalytics.common.query.Setting;
import io.pganalytics.server.series.SeriesSchema.Resolution;
import io.pganalytics.server.series.SettingValues;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static io.pganalytics.server.query.Reads.bind;
import static io.pganalytics.server.query.Reads.doubleOrNull;
import static io.pganalytics.server.query.Reads.instantOrNull;
import static io.pganalytics.server.query.Reads.longOrNull;

/**
 * The SQL of the fleet, an instance's details and its series. Statuses are computed in SQL against the service's
 * clock, so that a page filtered by status and its total agree.
 */
final class QueryRepository {
    /** Opens settings values ingest sealed ({@code encryption.settings}); may be null where nothing was sealed. */
    private final io.pganalytics.server.crypto.Sealer sealer;

    QueryRepository(io.pganalytics.server.crypto.Sealer sealer) {
        this.sealer = sealer;
    }

    /** Samples older than this before an instance's latest collection are not "latest" any more. */
    static final String FRESHNESS = "interval '5 minutes'";

    /** The inventory with each instance's status at {@code ?1} (down before), {@code ?2} (up since). */
    private static final String FLEET = """
            WITH fleet AS (
                SELECT i.id, i.name, i.host, i.port, i.server_version, i.server_version_num, i.in_recovery, i.first_seen_at,
                       i.last_seen_at, i.last_collected_at,
                       CASE WHEN i.last_seen_at <= ? THEN 'down'
                            WHEN i.last_collected_at >= ? THEN 'up'
                            ELSE 'stale' END AS status
                FROM monitored_instance i)
            """;

    private static final String FIGURES = """
            SELECT p.*, db.tps, db.hit_ratio, act.connections, act.active_connections, act.longest_transaction_seconds,
                   ins.max_connections, coalesce(rep.lag, wr.lag) AS replication_lag_seconds
            FROM page p
            LEFT JOIN LATERAL (
                SELECT sum(s.n) / nullif(sum(s.d), 0) AS tps, sum(s.h) / nullif(sum(s.h) + sum(s.r), 0) AS hit_ratio
                FROM (SELECT sum(xact_commit + xact_rollback)::float8 AS n, max(interval_seconds) AS d,
                             sum(blks_hit)::float8 AS h, sum(blks_read)::float8 AS r
                      FROM ts.database
                      WHERE instance_id = p.id AND collected_at > p.last_collected_at - %1$s AND collected_at <= p.last_collected_at
                      GROUP BY collected_at) s) db ON true
            LEFT JOIN LATERAL (
                SELECT sum(total) AS connections, sum(active) AS active_connections,
                       max(longest_transaction_seconds) AS longest_transaction_seconds
                FROM ts.activity
                WHERE instance_id = p.id AND collected_at = (SELECT max(collected_at) FROM ts.activity
                    WHERE instance_id = p.id AND collected_at > p.last_collected_at - %1$s)) act ON true
            LEFT JOIN LATERAL (
                SELECT max_connections FROM ts.instance
                WHERE instance_id = p.id AND collected_at > p.last_collected_at - interval '1 hour'
                ORDER BY collected_at DESC LIMIT 1) ins ON true
            LEFT JOIN LATERAL (
                SELECT max(replay_lag_seconds) AS lag FROM ts.replication
                WHERE instance_id = p.id AND collected_at = (SELECT max(collected_at) FROM ts.replication
                    WHERE instance_id = p.id AND collected_at > p.last_collected_at - %1$s)) rep ON true
            LEFT JOIN LATERAL (
                SELECT replay_delay_seconds AS lag FROM ts.wal_receiver
                WHERE instance_id = p.id AND collected_at > p.last_collected_at - %1$s
                ORDER BY collected_at DESC LIMIT 1) wr ON true
            ORDER BY lower(p.name), p.id
            """.formatted(FRESHNESS);

    /** The filters of a fleet page. */
    record FleetFilter(InstanceStatus status, String search) {
        String statusText() {
            return status == null ? null : status.wireName();
        }

        String pattern() {
            if (search == null) {
                return null;
            }
            String escaped = search.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
            return "%" + escaped + "%";
        }
    }

    /** One page of the fleet, and the whole fleet's counts per status. */
    record FleetPage(List<InstanceSummary> items, long total, Map<String, Long> counts) {
    }

    FleetPage fleet(Connection c, Instant downBefore, Instant upSince, FleetFilter filter, int offset, int limit) throws SQLException {
        String where = " WHERE (?::text IS NULL OR status = ?::text) AND (?::text IS NULL OR lower(name) LIKE ?::text OR lower(host) LIKE ?::text)";
        Object[] filters = {filter.statusText(), filter.statusText(), filter.pattern(), filter.pattern(), filter.pattern()};
        List<InstanceSummary> items = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(FLEET + ", page AS (SELECT * FROM fleet" + where
                + " ORDER BY lower(name), id LIMIT ? OFFSET ?)\n" + FIGURES)) {
            Object[] values = concat(new Object[]{downBefore, upSince}, filters, new Object[]{limit, offset});
            bind(ps, values);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(summary(rs));
                }
            }
        }
        long total;
        try (PreparedStatement ps = c.prepareStatement(FLEET + "SELECT count(*) FROM fleet" + where)) {
            bind(ps, concat(new Object[]{downBefore, upSince}, filters));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
        }
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (InstanceStatus status : InstanceStatus.values()) {
            counts.put(status.wireName(), 0L);
        }
        try (PreparedStatement ps = c.prepareStatement(FLEET + "SELECT status, count(*) FROM fleet GROUP BY status")) {
            bind(ps, downBefore, upSince);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return new FleetPage(items, total, counts);
    }

    /** One instance's fleet row, with what the details add. */
    record InstanceRow(InstanceSummary summary, Long serverVersionNum, Instant firstSeenAt, Instant lastCollectedAt, Boolean inRecovery) {
    }

    Optional<InstanceRow> instance(Connection c, long id, Instant downBefore, Instant upSince) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FLEET + ", page AS (SELECT * FROM fleet WHERE id = ?)\n" + FIGURES)) {
            bind(ps, downBefore, upSince, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new InstanceRow(summary(rs), longOrNull(rs, "server_version_num"),
                        instantOrNull(rs, "first_seen_at"), instantOrNull(rs, "last_collected_at"), Reads.boolOrNull(rs, "in_recovery")));
            }
        }
    }

    /** Whether the inventory knows the instance: one index probe. */
    boolean exists(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM monitored_instance WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The instance's role ({@code primary}, {@code standby}, empty when unknown), or empty when there is no such instance. */
    Optional<Optional<String>> role(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT in_recovery FROM monitored_instance WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Boolean recovery = Reads.boolOrNull(rs, "in_recovery");
                return Optional.of(Optional.ofNullable(recovery == null ? null : recovery ? "standby" : "primary"));
            }
        }
    }

    private static InstanceSummary summary(ResultSet rs) throws SQLException {
        Boolean recovery = Reads.boolOrNull(rs, "in_recovery");
        KeyFigures figures = new KeyFigures(doubleOrNull(rs, "tps"), longOrNull(rs, "connections"),
                longOrNull(rs, "active_connections"), longOrNull(rs, "max_connections"), doubleOrNull(rs, "hit_ratio"),
                doubleOrNull(rs, "replication_lag_seconds"), doubleOrNull(rs, "longest_transaction_seconds"));
        return new InstanceSummary(rs.getLong("id"), rs.getString("name"), rs.getString("host"), rs.getInt("port"),
                InstanceStatus.fromWireName(rs.getString("status")), instantOrNull(rs, "last_seen_at"),
                instantOrNull(rs, "last_collected_at"), rs.getString("server_version"),
                recovery == null ? null : recovery ? "standby" : "primary", figures);
    }

    /** The latest instance snapshot's start time and uptime. */
    record InstanceState(Instant startTime, Double uptimeSeconds) {
    }

    InstanceState instanceState(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT start_time, uptime_seconds FROM ts.instance WHERE instance_id = ? ORDER BY collected_at DESC LIMIT 1""")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new InstanceState(instantOrNull(rs, "start_time"), doubleOrNull(rs, "uptime_seconds"))
                        : new InstanceState(null, null);
            }
        }
    }

    /** The latest settings snapshot (at most {@code limit} settings) and when it was collected. */
    record Settings(Instant collectedAt, List<Setting> settings) {
    }

    Settings settings(Connection c, long id, int limit) throws SQLException {
        List<Setting> settings = new ArrayList<>();
        Instant at = null;
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT collected_at, name, setting, setting_sealed, unit, source, pending_restart FROM ts.settings
                WHERE instance_id = ? AND collected_at = (SELECT max(collected_at) FROM ts.settings WHERE instance_id = ?)
                ORDER BY name LIMIT ?""")) {
            bind(ps, id, id, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    at = instantOrNull(rs, "collected_at");
                    String name = rs.getString("name");
                    String value = SettingValues.value(id, name, at, rs.getString("setting"), rs.getBytes("setting_sealed"), sealer);
                    settings.add(new Setting(name, value, rs.getString("unit"),
                            rs.getString("source"), Reads.boolOrNull(rs, "pending_restart")));
                }
            }
        }
        return new Settings(at, settings);
    }

    List<DatabaseInfo> databases(Connection c, long id, int limit) throws SQLException {
        List<DatabaseInfo> databases = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT md.datname, md.first_seen_at, md.last_seen_at, s.size_bytes
                FROM monitored_database md
                LEFT JOIN LATERAL (SELECT size_bytes FROM ts.database d
                                   WHERE d.instance_id = md.instance_id AND d.datname = md.datname
                                     AND d.collected_at > md.last_seen_at - interval '1 day'
                                   ORDER BY d.collected_at DESC LIMIT 1) s ON true
                WHERE md.instance_id = ? ORDER BY md.datname LIMIT ?""")) {
            bind(ps, id, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    databases.add(new DatabaseInfo(rs.getString("datname"), longOrNull(rs, "size_bytes"),
                            instantOrNull(rs, "first_seen_at"), instantOrNull(rs, "last_seen_at")));
                }
            }
        }
        return databases;
    }

    /**
     * How often the instance's rows of a family were collected in a raw range: the median gap between its stored times
     * (the median, so that a pause of the collector does not coarsen the step), or empty with fewer than two. It is the
     * collector's interval for the family, whatever its configuration says.
     */
    Optional<Duration> collectionInterval(Connection c, long id, Family family, TimeRange range) throws SQLException {
        String sql = "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY gap) FROM ("
                + "SELECT extract(epoch FROM t - lag(t) OVER (ORDER BY t))::float8 AS gap FROM ("
                + "SELECT DISTINCT collected_at AS t FROM " + Resolution.RAW.table(family)
                + " WHERE instance_id = ? AND collected_at >= ? AND collected_at < ?) d) g WHERE gap > 0";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, id, range.from(), range.to());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                double seconds = rs.getDouble(1);
                return rs.wasNull() ? Optional.empty()
                        : Optional.of(Duration.ofSeconds(Math.max(1, Math.round(seconds))));
            }
        }
    }

    /** A metric's points: per stored time over the family's keys, then per step. */
    List<SeriesPoint> series(Connection c, long id, SeriesMetric metric, Resolution resolution, TimeRange range, long step)
            throws SQLException {
        String time = resolution.timeColumn();
        String sql = "WITH per_time AS (SELECT " + time + " AS t, " + metric.inner(resolution)
                + " FROM " + resolution.table(metric.family())
                + " WHERE instance_id = ? AND " + time + " >= ? AND " + time + " < ? GROUP BY " + time + ")\n"
                + "SELECT floor(extract(epoch FROM t) / ?)::bigint AS slot, " + metric.outer() + " AS value"
                + " FROM per_time GROUP BY slot ORDER BY slot";
        List<SeriesPoint> points = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, id, range.from(), range.to(), step);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    points.add(new SeriesPoint(Instant.ofEpochSecond(rs.getLong("slot") * step), doubleOrNull(rs, "value")));
                }
            }
        }
        return points;
    }

    static Object[] concat(Object[]... parts) {
        List<Object> all = new ArrayList<>();
        for (Object[] part : parts) {
            all.addAll(java.util.Arrays.asList(part));
        }
        return all.toArray();
    }
}

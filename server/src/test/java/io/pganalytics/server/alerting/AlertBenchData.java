package io.pganalytics.server.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.series.Partitions;
import io.pganalytics.server.series.SeriesSchema.Resolution;

import javax.sql.DataSource;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The evaluation benchmark's fleet, written with SQL in the shape the ingest stores it, its series running on
 * {@code ahead} past the time it is written (a read stops at the round's time, so the fleet stays live and fresh while
 * the rounds run, as if its collectors kept sending): {@code instances} monitored
 * instances labelled {@code team=t<i % groups>}, each with the series the default pack reads (activity every 10 s over
 * the last 10 minutes; database, instance, bgwriter, WAL, replication slot, archiver every minute; a standby on one in
 * ten; file systems every minute for 6 hours; {@code statements} statements every minute for an hour and hourly over 7
 * days), with a few instances in trouble (lock waits, a slot lost, a full disk) so that some alerts fire; and
 * {@code rules} rules: the default pack's rules over every instance, then variants of them (thresholds moved) scoped to
 * one team each.
 */
final class AlertBenchData {
    private static final String PACK = "/io/pganalytics/server/alerting/pack/default-pack.json";

    private final DataSource db;
    private final int instances;
    private final int groups;
    private final int statements;
    private final Instant now;
    /** How far past {@code now} the series go: reads stop at the time of the round, so rows appear as time passes. */
    private final Duration ahead;

    AlertBenchData(DataSource db, int instances, int groups, int statements, Instant now, Duration ahead) {
        this.ahead = ahead;
        this.db = db;
        this.instances = instances;
        this.groups = groups;
        this.statements = statements;
        this.now = now.truncatedTo(ChronoUnit.SECONDS);
    }

    /** Writes the instances, their labels and their series; returns the rows written. */
    long writeFleet() throws SQLException {
        long rows = 0;
        try (Connection c = db.getConnection()) {
            Partitions partitions = new Partitions();
            ensure(c, partitions, Resolution.RAW, now.minus(Duration.ofHours(7)), now.plus(ahead));
            ensure(c, partitions, Resolution.HOUR, now.minus(Duration.ofDays(8)), now);
            rows += update(c, """
                    INSERT INTO monitored_instance (id, system_identifier, host, port, name, first_seen_at, last_seen_at, last_collected_at)
                    SELECT g, 'bench', 'bench-' || g, 5432, 'bench-' || g, ?::timestamptz, ?::timestamptz, ?::timestamptz
                    FROM generate_series(1, ?) g""", at(now), at(now.plus(ahead)), at(now.plus(ahead)), instances);
            rows += update(c, "INSERT INTO instance_label (instance_id, key, value) SELECT g, 'team', 't' || (g % ?) "
                    + "FROM generate_series(1, ?) g", groups, instances);
            // every 10 s for 10 minutes; one instance in 50 has a session waiting on a lock
            rows += series(c, MetricCatalog.ACTIVITY, 10, Duration.ofMinutes(10), """
                    datname, total, active, idle, idle_in_transaction, waiting, lock_waiting, longest_transaction_seconds,
                    longest_query_seconds, longest_idle_in_transaction_seconds""", """
                    'app', 20 + g % 7, 3, 15, 1, 1, CASE WHEN g % 50 = 0 THEN 1 ELSE 0 END, 2.5, 1.5, 0.5""");
            rows += series(c, MetricCatalog.DATABASE, 60, Duration.ofMinutes(10), """
                    datname, xact_commit, xact_rollback, blks_hit, blks_read, temp_bytes, deadlocks, datfrozenxid_age""", """
                    'app', 6000, 10, 990000, 10000, 1000, 0, 50000000 + g""");
            rows += series(c, MetricCatalog.INSTANCE, 60, Duration.ofMinutes(10), "max_connections, connections",
                    "100, 20 + g % 7");
            rows += series(c, MetricCatalog.BGWRITER, 60, Duration.ofMinutes(10), "checkpoints_timed, checkpoints_req", "0, 0");
            rows += series(c, MetricCatalog.WAL, 60, Duration.ofMinutes(10), "wal_bytes", "1000000");
            rows += series(c, MetricCatalog.REPLICATION_SLOTS, 60, Duration.ofMinutes(10), """
                    slot_name, temporary, active, wal_status, retained_wal_bytes""", """
                    'standby', false, g % 100 <> 0, CASE WHEN g % 500 = 0 THEN 'lost' ELSE 'reserved' END, 16000000""");
            rows += series(c, MetricCatalog.ARCHIVER, 60, Duration.ofMinutes(10), """
                    archive_mode, archived_count, last_archived_wal, last_archived_time, failed_count, current_wal, in_recovery""", """
                    'on', 100, '000000010000000000000010', t - interval '30 s', 0, '000000010000000000000011', false""");
            rows += update(c, """
                    INSERT INTO ts.replication (instance_id, collected_at, interval_seconds, pid, replay_lag_seconds, replay_lag_bytes)
                    SELECT g, t, NULL, 100, 0.5, 1000
                    FROM generate_series(1, ?) g,
                         generate_series(?::timestamptz - interval '10 minutes', ?::timestamptz, interval '60 seconds') t
                    WHERE g % 10 = 0""", instances, at(now), at(now.plus(ahead)));
            // 6 hours of file systems: one instance in 200 fills its data disk (95 % used)
            rows += series(c, MetricCatalog.HOST_FILESYSTEM, 60, Duration.ofHours(6), """
                    path, total_bytes, used_bytes, available_bytes""", """
                    '/var/lib/postgresql', 100000000000, CASE WHEN g % 200 = 0 THEN 95000000000 ELSE 40000000000 END,
                    CASE WHEN g % 200 = 0 THEN 5000000000 ELSE 60000000000 END""");
            rows += update(c, """
                    INSERT INTO ts.statements (instance_id, collected_at, interval_seconds, dbid, userid, queryid, toplevel, calls,
                                               total_exec_time)
                    SELECT g, t, 60, 5, 10, q, true, 10, 10.0 * q
                    FROM generate_series(1, ?) g,
                         generate_series(?::timestamptz - interval '1 hour', ?::timestamptz, interval '60 seconds') t,
                         generate_series(1, ?) q""", instances, at(now), at(now.plus(ahead)), statements);
            rows += update(c, """
                    INSERT INTO ts.statements_1h (instance_id, bucket, samples, interval_seconds, dbid, userid, queryid, toplevel, calls,
                                                  total_exec_time)
                    SELECT g, b, 60, 3600, 5, 10, q, true, 600, 600.0 * q
                    FROM generate_series(1, ?) g,
                         generate_series(date_trunc('hour', ?::timestamptz) - interval '7 days 1 hour',
                                         date_trunc('hour', ?::timestamptz) - interval '2 hours', interval '1 hour') b,
                         generate_series(1, ?) q""", instances, at(now), at(now), statements);
            c.commit();
            try (var st = c.createStatement()) {
                c.setAutoCommit(true);
                st.execute("VACUUM ANALYZE"); // so that autovacuum does not run during the measured rounds
                c.setAutoCommit(false);
            }
        }
        return rows;
    }

    /**
     * Writes {@code rules} rules: the default pack's over every instance first, then its conditions again with the
     * threshold moved by a few percent, each scoped to one team ({@code team=t<i % groups>}).
     */
    void writeRules(int rules) throws Exception {
        List<JsonNode> pack = new ArrayList<>();
        try (InputStream in = AlertBenchData.class.getResourceAsStream(PACK)) {
            JsonMapping.newMapper().readTree(in).path("rules").forEach(pack::add);
        }
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO alert_rule (name, severity, condition, for_seconds, scope, labels, summary, escalation, created_by,
                                        created_at, updated_by, updated_at)
                VALUES (?, ?, ?::jsonb, ?, ?::jsonb, '{}', ?, ?::jsonb, 'bench', now(), 'bench', now())""")) {
            for (int i = 0; i < rules; i++) {
                JsonNode rule = pack.get(i % pack.size());
                String condition = rule.get("condition").toString();
                String scope = "{\"instances\":[],\"labels\":{}}";
                if (i >= pack.size()) {
                    double factor = 1 + (i % 7) / 100.0;
                    if (rule.path("condition").has("value")) {
                        com.fasterxml.jackson.databind.node.ObjectNode moved = rule.get("condition").deepCopy();
                        moved.put("value", moved.get("value").asDouble() * factor);
                        condition = moved.toString();
                    }
                    scope = "{\"instances\":[],\"labels\":{\"team\":\"t" + (i % groups) + "\"}}";
                }
                ps.setString(1, "Bench_" + i + "_" + rule.get("name").asText());
                ps.setString(2, rule.get("severity").asText());
                ps.setString(3, condition);
                ps.setInt(4, (int) io.pganalytics.common.units.Durations.parse(rule.get("forDuration").asText()).toSeconds());
                ps.setString(5, scope);
                ps.setString(6, rule.get("summary").asText());
                ps.setString(7, rule.hasNonNull("escalation") ? rule.get("escalation").toString() : null);
                ps.addBatch();
                if (i % 1000 == 999) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
            c.commit();
        }
    }

    /** One row per instance every {@code everySeconds} over {@code span} up to now; {@code g} is the instance, {@code t} the time. */
    private long series(Connection c, Family family, int everySeconds, Duration span, String columns, String values) throws SQLException {
        String interval = family == MetricCatalog.ACTIVITY || family == MetricCatalog.INSTANCE || family == MetricCatalog.REPLICATION_SLOTS
                || family == MetricCatalog.ARCHIVER || family == MetricCatalog.HOST_FILESYSTEM ? "NULL" : Integer.toString(everySeconds);
        return update(c, "INSERT INTO " + Resolution.RAW.table(family) + " (instance_id, collected_at, interval_seconds, " + columns + ")\n"
                + "SELECT g, t, " + interval + ", " + values + "\n"
                + "FROM generate_series(1, ?) g,\n"
                + "     generate_series(?::timestamptz - interval '" + span.toSeconds() + " seconds', ?::timestamptz, interval '"
                + everySeconds + " seconds') t", instances, at(now), at(now.plus(ahead)));
    }

    private static void ensure(Connection c, Partitions partitions, Resolution resolution, Instant from, Instant to) throws SQLException {
        for (Family family : List.of(MetricCatalog.ACTIVITY, MetricCatalog.DATABASE, MetricCatalog.INSTANCE, MetricCatalog.BGWRITER,
                MetricCatalog.WAL, MetricCatalog.REPLICATION_SLOTS, MetricCatalog.ARCHIVER, MetricCatalog.REPLICATION,
                MetricCatalog.HOST_FILESYSTEM, MetricCatalog.STATEMENTS)) {
            if (resolution != Resolution.RAW && family != MetricCatalog.STATEMENTS) {
                continue;
            }
            for (Instant day = from; !day.isAfter(to.plus(Duration.ofDays(1))); day = day.plus(Duration.ofDays(1))) {
                partitions.ensure(c, family, resolution, day);
            }
        }
        c.commit();
    }

    private static long update(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            return ps.executeUpdate();
        }
    }

    private static OffsetDateTime at(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}

package io.pganalytics.server.query;

import io.pganalytics.common.backup.InstanceArchiving;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static io.pganalytics.server.query.Reads.bind;
import static io.pganalytics.server.query.Reads.boolOrNull;
import static io.pganalytics.server.query.Reads.instantOrNull;
import static io.pganalytics.server.query.Reads.longOrNull;

/**
 * The SQL of the monitored databases' archiving: per instance, its latest {@code ts.archiver} sample (within a day),
 * the newest sample at least the stale bound older than it and the earliest one since the same statistics reset;
 * three index probes on {@code (instance_id, collected_at DESC)} per instance. {@link ArchivingRules} decides the state.
 */
final class ArchivingRepository {
    /** The most instances one answer lists. */
    static final int MAX_INSTANCES = 1000;

    private static final String SQL = """
            SELECT i.id, i.name, s.collected_at, s.archive_mode, s.archived_count, s.last_archived_wal, s.last_archived_time,
                   s.failed_count, s.last_failed_wal, s.last_failed_time, s.current_wal, s.in_recovery,
                   s.collected_at > i.last_collected_at - %1$s AS fresh, o.current_wal AS older_wal, e.current_wal AS earliest_wal
            FROM monitored_instance i
            LEFT JOIN LATERAL (
                SELECT * FROM ts.archiver a
                WHERE a.instance_id = i.id AND a.collected_at > i.last_collected_at - interval '1 day'
                ORDER BY a.collected_at DESC LIMIT 1) s ON true
            LEFT JOIN LATERAL (
                SELECT a.current_wal FROM ts.archiver a
                WHERE a.instance_id = i.id AND a.collected_at > s.collected_at - interval '1 day'
                  AND a.collected_at <= s.collected_at - greatest(? * interval '1 second',
                                                                  2 * coalesce(s.archive_timeout_seconds, 0) * interval '1 second')
                ORDER BY a.collected_at DESC LIMIT 1) o ON true
            LEFT JOIN LATERAL (
                SELECT a.current_wal FROM ts.archiver a
                WHERE a.instance_id = i.id AND a.collected_at > s.collected_at - interval '1 day'
                  AND a.stats_reset IS NOT DISTINCT FROM s.stats_reset AND a.current_wal IS NOT NULL
                ORDER BY a.collected_at ASC LIMIT 1) e ON true
            WHERE (?::bigint IS NULL OR i.id = ?)
            ORDER BY i.id
            LIMIT %2$d
            """.formatted(QueryRepository.FRESHNESS, MAX_INSTANCES);

    private final java.time.Duration minStaleAfter;

    ArchivingRepository(java.time.Duration minStaleAfter) {
        this.minStaleAfter = minStaleAfter;
    }

    /** Every instance's archiving (at most {@link #MAX_INSTANCES}, by id), or the one instance's; unsorted. */
    List<InstanceArchiving> archiving(Connection c, Long instanceId) throws SQLException {
        List<InstanceArchiving> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SQL)) {
            bind(ps, (double) minStaleAfter.toSeconds(), instanceId, instanceId);
            if (instanceId == null) {
                ps.setNull(2, java.sql.Types.BIGINT);
                ps.setNull(3, java.sql.Types.BIGINT);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(ArchivingRules.view(rs.getLong("id"), rs.getString("name"), sample(rs)));
                }
            }
        }
        return out;
    }

    private static ArchivingRules.Sample sample(ResultSet rs) throws SQLException {
        if (rs.getTimestamp("collected_at") == null) {
            return null;
        }
        Long archived = longOrNull(rs, "archived_count");
        Long failed = longOrNull(rs, "failed_count");
        return new ArchivingRules.Sample(rs.getString("archive_mode"), Boolean.TRUE.equals(boolOrNull(rs, "in_recovery")),
                archived == null ? 0 : archived, failed == null ? 0 : failed, rs.getString("last_archived_wal"),
                instantOrNull(rs, "last_archived_time"), rs.getString("last_failed_wal"), instantOrNull(rs, "last_failed_time"),
                rs.getString("current_wal"), instantOrNull(rs, "collected_at"), Boolean.TRUE.equals(boolOrNull(rs, "fresh")),
                rs.getString("older_wal"), rs.getString("earliest_wal"));
    }
}

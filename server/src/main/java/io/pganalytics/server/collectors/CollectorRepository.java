package io.pganalytics.server.collectors;

import io.ebean.Database;
import io.ebean.Transaction;
import io.pganalytics.server.collectors.query.QDCollector;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The only place that queries {@code collector}. Runs inside the caller's transaction when there is one. */
final class CollectorRepository {
    /**
     * Monotonic: a heartbeat older than the stored one (written late by another node) changes nothing. An unknown
     * version keeps the last known one; spool depth and error count are the latest report's, unknown included.
     */
    private static final String WRITE_HEARTBEAT = """
            UPDATE collector SET last_seen_at = ?, last_version = coalesce(?, last_version),
                   spool_depth_batches = ?, error_count = ?
             WHERE id = ? AND deleted_at IS NULL AND (last_seen_at IS NULL OR last_seen_at < ?)""";

    record HeartbeatRow(UUID id, Instant lastSeen, String version, Long spoolDepthBatches, Long errors) {
    }

    private final Database database;

    CollectorRepository(Database database) {
        this.database = database;
    }

    /** A collector that is not deleted. */
    Optional<DCollector> findLive(UUID id) {
        return new QDCollector(database).id.eq(id).deletedAt.isNull().findOneOrEmpty();
    }

    /** A collector that is not deleted, its row locked until the transaction ends; call inside a transaction. */
    Optional<DCollector> findLiveForUpdate(UUID id) {
        return new QDCollector(database).id.eq(id).deletedAt.isNull().forUpdate().findOneOrEmpty();
    }

    /** A collector that is not deleted and has this name (the oldest when several do). */
    Optional<DCollector> findLiveByName(String name) {
        return new QDCollector(database).name.eq(name).deletedAt.isNull().orderBy().createdAt.asc().setMaxRows(1)
                .findOneOrEmpty();
    }

    List<DCollector> page(int offset, int limit) {
        return new QDCollector(database).deletedAt.isNull()
                .orderBy().createdAt.asc().id.asc()
                .setFirstRow(offset).setMaxRows(limit).findList();
    }

    int countLive() {
        return new QDCollector(database).deletedAt.isNull().findCount();
    }

    void insert(DCollector collector) {
        database.insert(collector);
    }

    void update(DCollector collector) {
        database.update(collector);
    }

    /** Writes heartbeats in one transaction and one batch; returns how many rows changed. */
    int writeHeartbeats(List<HeartbeatRow> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        try (Transaction tx = database.beginTransaction();
             PreparedStatement statement = tx.connection().prepareStatement(WRITE_HEARTBEAT)) {
            for (HeartbeatRow row : rows) {
                OffsetDateTime seen = OffsetDateTime.ofInstant(row.lastSeen(), ZoneOffset.UTC);
                statement.setObject(1, seen);
                statement.setString(2, row.version());
                statement.setObject(3, row.spoolDepthBatches(), Types.BIGINT);
                statement.setObject(4, row.errors(), Types.BIGINT);
                statement.setObject(5, row.id());
                statement.setObject(6, seen);
                statement.addBatch();
            }
            int changed = 0;
            for (int count : statement.executeBatch()) {
                changed += Math.max(0, count);
            }
            tx.commit();
            return changed;
        } catch (SQLException e) {
            throw new IllegalStateException("writing " + rows.size() + " collector heartbeat(s): " + e.getMessage(), e);
        }
    }
}

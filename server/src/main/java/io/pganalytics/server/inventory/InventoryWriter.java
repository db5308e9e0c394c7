package io.pganalytics.server.inventory;

import io.pganalytics.common.wire.TargetRef;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;

/**
 * Registers instances and databases as batches arrive, on the ingest's own connection so that the inventory and the
 * rows commit together. An upsert per instance per batch: cheap, and it keeps names, versions and roles current.
 */
public final class InventoryWriter {

    /** What a batch says about one instance. */
    public record InstanceSighting(TargetRef target, String collectorId, String serverVersion, Long serverVersionNum,
                                   Boolean inRecovery, Instant receivedAt, Instant collectedAt) {
    }

    /** Upserts the instance and returns its id. */
    public long upsertInstance(Connection connection, InstanceSighting sighting) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("""
                INSERT INTO monitored_instance AS i (system_identifier, host, port, name, collector_id, server_version,
                    server_version_num, in_recovery, first_seen_at, last_seen_at, last_collected_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT ON CONSTRAINT monitored_instance_address DO UPDATE SET
                    name = EXCLUDED.name,
                    collector_id = EXCLUDED.collector_id,
                    server_version = coalesce(EXCLUDED.server_version, i.server_version),
                    server_version_num = coalesce(EXCLUDED.server_version_num, i.server_version_num),
                    in_recovery = coalesce(EXCLUDED.in_recovery, i.in_recovery),
                    last_seen_at = greatest(i.last_seen_at, EXCLUDED.last_seen_at),
                    last_collected_at = greatest(i.last_collected_at, EXCLUDED.last_collected_at),
                    version = i.version + 1
                RETURNING id""")) {
            TargetRef t = sighting.target();
            ps.setString(1, t.systemIdentifier());
            ps.setString(2, t.host());
            ps.setInt(3, t.port());
            ps.setString(4, t.name());
            ps.setString(5, sighting.collectorId());
            ps.setString(6, sighting.serverVersion());
            if (sighting.serverVersionNum() == null) {
                ps.setNull(7, Types.INTEGER);
            } else {
                ps.setInt(7, (int) Math.min(Integer.MAX_VALUE, sighting.serverVersionNum()));
            }
            if (sighting.inRecovery() == null) {
                ps.setNull(8, Types.BOOLEAN);
            } else {
                ps.setBoolean(8, sighting.inRecovery());
            }
            ps.setTimestamp(9, Timestamp.from(sighting.receivedAt()));
            ps.setTimestamp(10, Timestamp.from(sighting.receivedAt()));
            ps.setTimestamp(11, Timestamp.from(sighting.collectedAt()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Records the databases a batch reported for an instance. */
    public void upsertDatabases(Connection connection, long instanceId, Collection<String> databases, Instant at) throws SQLException {
        if (databases.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement("""
                INSERT INTO monitored_database (instance_id, datname, first_seen_at, last_seen_at)
                SELECT ?, unnest(?::text[]), ?, ?
                ON CONFLICT (instance_id, datname) DO UPDATE SET last_seen_at = greatest(monitored_database.last_seen_at, EXCLUDED.last_seen_at)""")) {
            ps.setLong(1, instanceId);
            ps.setArray(2, connection.createArrayOf("text", databases.stream().sorted().toArray()));
            ps.setTimestamp(3, Timestamp.from(at));
            ps.setTimestamp(4, Timestamp.from(at));
            ps.executeUpdate();
        }
    }
}

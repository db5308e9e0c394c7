package io.pganalytics.server.query;

import io.pganalytics.common.query.BlockedSession;
import io.pganalytics.common.query.DatabaseActivity;
import io.pganalytics.common.query.Replica;
import io.pganalytics.common.query.ReplicationSlot;
import io.pganalytics.common.query.WalReceiver;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.pganalytics.server.query.Reads.bind;
import static io.pganalytics.server.query.Reads.boolOrNull;
import static io.pganalytics.server.query.Reads.doubleOrNull;
import static io.pganalytics.server.query.Reads.instantOrNull;
import static io.pganalytics.server.query.Reads.longOrNull;

/**
 * The SQL of the latest state: replication and activity. A family's latest sample counts only when it is at most
 * {@link QueryRepository#FRESHNESS} older than the instance's latest collection, because a collector sends no rows
 * (not an empty snapshot) when a replica or a lock wait is gone.
 */
final class StateRepository {
    private static final int MAX_ROWS = 500;

    /** The latest sample time of a family for the instance, within the freshness window, or null. */
    private static Instant latest(Connection c, String table, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT max(collected_at) FROM " + table + " t"
                + " WHERE instance_id = ? AND collected_at > (SELECT last_collected_at FROM monitored_instance WHERE id = ?) - "
                + QueryRepository.FRESHNESS)) {
            bind(ps, id, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                java.sql.Timestamp at = rs.getTimestamp(1);
                return at == null ? null : at.toInstant();
            }
        }
    }

    record Replication(Instant collectedAt, List<Replica> replicas, List<ReplicationSlot> slots, WalReceiver walReceiver) {
    }

    Replication replication(Connection c, long id) throws SQLException {
        Instant at = latest(c, "ts.replication", id);
        List<Replica> replicas = new ArrayList<>();
        if (at != null) {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM ts.replication WHERE instance_id = ? AND collected_at = ?"
                    + " ORDER BY application_name, pid LIMIT " + MAX_ROWS)) {
                bind(ps, id, at);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        replicas.add(new Replica(longOrNull(rs, "pid"), rs.getString("application_name"), rs.getString("client_addr"),
                                rs.getString("state"), rs.getString("sync_state"), longOrNull(rs, "sent_lag_bytes"),
                                longOrNull(rs, "replay_lag_bytes"), doubleOrNull(rs, "write_lag_seconds"),
                                doubleOrNull(rs, "flush_lag_seconds"), doubleOrNull(rs, "replay_lag_seconds")));
                    }
                }
            }
        }
        List<ReplicationSlot> slots = new ArrayList<>();
        Instant slotsAt = latest(c, "ts.replication_slots", id);
        if (slotsAt != null) {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM ts.replication_slots WHERE instance_id = ? AND collected_at = ?"
                    + " ORDER BY slot_name LIMIT " + MAX_ROWS)) {
                bind(ps, id, slotsAt);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        slots.add(new ReplicationSlot(rs.getString("slot_name"), rs.getString("slot_type"), rs.getString("database"),
                                boolOrNull(rs, "active"), rs.getString("wal_status"), longOrNull(rs, "retained_wal_bytes"),
                                longOrNull(rs, "safe_wal_size_bytes")));
                    }
                }
            }
        }
        WalReceiver receiver = null;
        Instant receiverAt = latest(c, "ts.wal_receiver", id);
        if (receiverAt != null) {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM ts.wal_receiver WHERE instance_id = ? AND collected_at = ? LIMIT 1")) {
                bind(ps, id, receiverAt);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        receiver = new WalReceiver(rs.getString("status"), rs.getString("sender_host"), longOrNull(rs, "sender_port"),
                                longOrNull(rs, "replay_lag_bytes"), doubleOrNull(rs, "replay_delay_seconds"),
                                doubleOrNull(rs, "last_msg_age_seconds"));
                    }
                }
            }
        }
        return new Replication(at != null ? at : slotsAt != null ? slotsAt : receiverAt, replicas, slots, receiver);
    }

    record Activity(Instant collectedAt, List<DatabaseActivity> databases, List<BlockedSession> blocked) {
    }

    Activity activity(Connection c, long id) throws SQLException {
        Instant at = latest(c, "ts.activity", id);
        List<DatabaseActivity> databases = new ArrayList<>();
        if (at != null) {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM ts.activity WHERE instance_id = ? AND collected_at = ?"
                    + " ORDER BY datname LIMIT " + MAX_ROWS)) {
                bind(ps, id, at);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        databases.add(new DatabaseActivity(rs.getString("datname"), longOrNull(rs, "total"), longOrNull(rs, "active"),
                                longOrNull(rs, "idle"), longOrNull(rs, "idle_in_transaction"), longOrNull(rs, "waiting"),
                                longOrNull(rs, "lock_waiting"), doubleOrNull(rs, "longest_transaction_seconds"),
                                doubleOrNull(rs, "longest_query_seconds")));
                    }
                }
            }
        }
        List<BlockedSession> blocked = new ArrayList<>();
        Instant locksAt = latest(c, "ts.locks", id);
        // Lock waits are sampled with activity; an older locks sample means nobody waits now.
        if (locksAt != null && at != null && !locksAt.isBefore(at.minusSeconds(15))) {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM ts.locks WHERE instance_id = ? AND collected_at = ?"
                    + " ORDER BY wait_seconds DESC NULLS LAST, pid LIMIT " + MAX_ROWS)) {
                bind(ps, id, locksAt);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String type = rs.getString("wait_event_type");
                        String event = rs.getString("wait_event");
                        blocked.add(new BlockedSession(longOrNull(rs, "pid"), rs.getString("datname"), rs.getString("usename"),
                                type == null ? null : type + ":" + event, rs.getString("blocking_pids"), longOrNull(rs, "root_pid"),
                                doubleOrNull(rs, "wait_seconds"), longOrNull(rs, "chain_depth")));
                    }
                }
            }
        }
        return new Activity(at, databases, blocked);
    }
}

package io.pganalytics.server.crypto;

import io.pganalytics.common.keys.RewrapView;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The only place that queries {@code crypto_rewrap_run} and {@code crypto_rewrap_cursor}. */
final class RewrapRunRepository {
    private static final long START_LOCK = 0x7067615f72777270L; // "pga_rwrp"
    private static final String COLUMNS = "id, state, target_key, started_at, finished_at, done, total, skipped, node, started_by, error";
    private static final String RUNNING = "SELECT " + COLUMNS + " FROM crypto_rewrap_run WHERE state = 'running'";

    private final DataSource dataSource;

    RewrapRunRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A run of the re-wrap job. */
    record Run(long id, String state, int targetKey, Instant startedAt, Instant finishedAt, long done, long total, long skipped,
               String node, String startedBy, String error) {
        RewrapView view(Instant now) {
            Instant end = finishedAt == null ? now : finishedAt;
            double seconds = Math.max(0.001, Duration.between(startedAt, end).toMillis() / 1000.0);
            return new RewrapView(state, targetKey, startedAt, finishedAt, done, total, Math.round(done / seconds * 10) / 10.0, node, error);
        }
    }

    Optional<Run> running() {
        return one(RUNNING);
    }

    Optional<Run> latest() {
        return one("SELECT " + COLUMNS + " FROM crypto_rewrap_run ORDER BY id DESC LIMIT 1");
    }

    /**
     * Starts a run towards data key {@code target}. A run already heading there is left alone; one heading elsewhere
     * is retargeted (its cursors start over: what it moved to the previous target moves again). A run that ended while
     * this waited for the lock is not touched: a new one starts.
     */
    Run startOrRetarget(int target, long total, String by, Instant now) {
        return startOrRetarget(target, total, by, now, Jdbc.Then.nothing());
    }

    /** What a request for a run found running (or null) and what it left running. */
    record Started(Run before, Run after) {
    }

    /** As {@link #startOrRetarget(int, long, String, Instant)}, running {@code then} before the commit. */
    Run startOrRetarget(int target, long total, String by, Instant now, Jdbc.Then<Started> then) {
        return Jdbc.underLock(dataSource, START_LOCK, "re-wrap: cannot start a run", c -> {
            Optional<Run> running = Jdbc.one(c, RUNNING, RewrapRunRepository::run);
            Run started = startOrRetarget(c, running, target, total, by, now);
            then.run(c, new Started(running.orElse(null), started));
            return started;
        });
    }

    private static Run startOrRetarget(Connection c, Optional<Run> running, int target, long total, String by, Instant now)
            throws SQLException {
        if (running.isPresent() && running.get().targetKey() == target) {
            return running.get();
        }
        if (running.isPresent() && retarget(c, running.get().id(), target, total)) {
            return Jdbc.one(c, "SELECT " + COLUMNS + " FROM crypto_rewrap_run WHERE id = " + running.get().id(),
                    RewrapRunRepository::run).orElseThrow();
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO crypto_rewrap_run (state, target_key, started_at, total, started_by)"
                + " VALUES ('running', ?, ?, ?, ?) RETURNING " + COLUMNS)) {
            insert.setInt(1, target);
            insert.setTimestamp(2, Timestamp.from(now));
            insert.setLong(3, total);
            insert.setString(4, by);
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                return run(rs);
            }
        }
    }

    /** Points a running run at {@code target}; false when it is no longer running (the worker ended it meanwhile). */
    private static boolean retarget(Connection c, long runId, int target, long total) throws SQLException {
        try (PreparedStatement retarget = c.prepareStatement(
                "UPDATE crypto_rewrap_run SET target_key = ?, total = done + ? WHERE id = ? AND state = 'running'");
             PreparedStatement cursors = c.prepareStatement("DELETE FROM crypto_rewrap_cursor WHERE run_id = ?")) {
            retarget.setInt(1, target);
            retarget.setLong(2, total);
            retarget.setLong(3, runId);
            if (retarget.executeUpdate() != 1) {
                return false;
            }
            cursors.setLong(1, runId);
            cursors.executeUpdate();
            return true;
        }
    }

    /** Where the run got to in {@code column}: the last row key done, or "" before the first. */
    String cursor(long runId, String column) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT after_row FROM crypto_rewrap_cursor WHERE run_id = ? AND sealed_column = ?")) {
            ps.setLong(1, runId);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        } catch (SQLException e) {
            throw new IllegalStateException("re-wrap: cannot read the cursor of " + column + ": " + e.getMessage(), e);
        }
    }

    /**
     * Records a batch in the caller's transaction: the progress, and the column's cursor. False when the run is no
     * longer running towards {@code target} (retargeted by a rotation, or finished elsewhere): the caller rolls back.
     */
    static boolean recordBatch(Connection c, long runId, int target, String column, String afterRow, long done, long skipped, String node)
            throws SQLException {
        try (PreparedStatement run = c.prepareStatement("UPDATE crypto_rewrap_run SET done = done + ?, skipped = skipped + ?, node = ?"
                + " WHERE id = ? AND target_key = ? AND state = 'running'")) {
            run.setLong(1, done);
            run.setLong(2, skipped);
            run.setString(3, node);
            run.setLong(4, runId);
            run.setInt(5, target);
            if (run.executeUpdate() != 1) {
                return false;
            }
        }
        try (PreparedStatement cursor = c.prepareStatement("INSERT INTO crypto_rewrap_cursor (run_id, sealed_column, after_row) VALUES (?, ?, ?)"
                + " ON CONFLICT (run_id, sealed_column) DO UPDATE SET after_row = excluded.after_row")) {
            cursor.setLong(1, runId);
            cursor.setString(2, column);
            cursor.setString(3, afterRow);
            cursor.executeUpdate();
        }
        return true;
    }

    /** Ends a run that still targets {@code target}; false when a rotation retargeted it meanwhile. */
    boolean finish(long runId, int target, String state, String error, String node, Instant now) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE crypto_rewrap_run SET state = ?, error = ?, node = ?, finished_at = ?"
                     + " WHERE id = ? AND target_key = ? AND state = 'running'")) {
            ps.setString(1, state);
            ps.setString(2, error);
            ps.setString(3, node);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setLong(5, runId);
            ps.setInt(6, target);
            boolean ended = ps.executeUpdate() == 1;
            c.commit();
            return ended;
        } catch (SQLException e) {
            throw new IllegalStateException("re-wrap: cannot end run " + runId + ": " + e.getMessage(), e);
        }
    }

    Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    private Optional<Run> one(String sql) {
        return Jdbc.one(dataSource, "re-wrap: cannot read crypto_rewrap_run", sql, RewrapRunRepository::run);
    }

    private static Run run(ResultSet rs) throws SQLException {
        Timestamp finished = rs.getTimestamp("finished_at");
        return new Run(rs.getLong("id"), rs.getString("state"), rs.getInt("target_key"), rs.getTimestamp("started_at").toInstant(),
                finished == null ? null : finished.toInstant(), rs.getLong("done"), rs.getLong("total"), rs.getLong("skipped"),
                rs.getString("node"), rs.getString("started_by"), rs.getString("error"));
    }
}

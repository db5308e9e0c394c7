package io.pganalytics.tools.bench;

import io.pganalytics.common.catalog.Column;
import io.pganalytics.common.catalog.ColumnRole;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The backup drill's old data: statement samples (the largest family) of the drill's instances, written by bulk SQL
 * ({@code INSERT ... SELECT} over {@code generate_series}, inside PostgreSQL) through the embedded PostgreSQL's
 * superuser acting as the server's role, not through ingest: filling 1 GB or 10 GB through ingest would take hours and
 * measure ingest, not backup and recovery. Samples go back from {@code end} (before the live ingest began) one sample
 * per instance per step, in chunks, until the server's database is as large as asked; they stay inside the raw
 * retention (12 days at most), so that no maintenance job removes them during the drill.
 */
final class DrillFill {
    /** What was written: rows of ts.statements in [from, end), and how long it took. */
    record Result(long rows, Instant from, Instant end, Duration step, double seconds, long databaseBytes) {
    }

    private static final Family FAMILY = MetricCatalog.STATEMENTS;
    /** Statement rows per instance and sample, as the simulator sends them (200 statements and "other"). */
    private static final int STATEMENTS = 201;
    private static final long ROWS_PER_CHUNK = 250_000;
    /** Raw retention is 14 days: stay clear of it. */
    private static final Duration MAX_SPAN = Duration.ofDays(12);
    /** A row with its share of the two indexes, a prudent guess to pick the sample step (only the step depends on it). */
    private static final long BYTES_PER_ROW_GUESS = 200;

    private DrillFill() {
    }

    /** Bulk-writes samples ending at {@code end} until the server's database holds {@code targetBytes}. */
    static Result fill(ServerDatabase database, List<Long> instanceIds, long targetBytes, Instant end, PrintStream out)
            throws SQLException {
        long started = System.nanoTime();
        Instant to = end.truncatedTo(ChronoUnit.MINUTES);
        long samplesNeeded = Math.max(1, targetBytes / BYTES_PER_ROW_GUESS / STATEMENTS / instanceIds.size());
        Duration step = Duration.ofSeconds(Math.clamp(MAX_SPAN.toSeconds() / samplesNeeded, 1, 60));
        long rowsPerSample = (long) STATEMENTS * instanceIds.size();
        double bytesPerRow = BYTES_PER_ROW_GUESS;
        Instant oldest = to.minus(MAX_SPAN);
        long rows = 0;
        long size;
        try (Connection c = database.connectAsServer()) {
            c.setAutoCommit(true);
            size = databaseBytes(c);
            long nextProgress = System.nanoTime() + 10_000_000_000L;
            while (size < targetBytes) {
                // no more than what is still missing at the size per row seen so far: a small database is not overshot
                long chunkRows = Math.clamp((long) ((targetBytes - size) / bytesPerRow), rowsPerSample, Math.max(rowsPerSample, ROWS_PER_CHUNK));
                Instant from = to.minus(step.multipliedBy(Math.max(1, chunkRows / rowsPerSample)));
                if (from.isBefore(oldest)) {
                    throw new SQLException("the old data would reach back further than " + MAX_SPAN.toDays() + " days (raw "
                            + "retention) before the database holds " + targetBytes + " bytes: run with more --collectors");
                }
                partitions(c, from, to);
                long inserted = insert(c, instanceIds, from, to, step);
                rows += inserted;
                to = from;
                long grown = databaseBytes(c) - size;
                size += grown;
                if (grown > 0 && inserted > 0) {
                    bytesPerRow = Math.max(50, (double) grown / inserted);
                }
                if (System.nanoTime() >= nextProgress) {
                    out.printf(Locale.ROOT, "drill-backup: old data: %d rows, database %.0f MB of %.0f MB%n", rows, size / 1e6, targetBytes / 1e6);
                    nextProgress += 10_000_000_000L;
                }
            }
            try (PreparedStatement analyze = c.prepareStatement("ANALYZE " + ServerDatabase.rawTable(FAMILY))) {
                analyze.execute();
            }
        }
        return new Result(rows, to, end.truncatedTo(ChronoUnit.MINUTES), step, (System.nanoTime() - started) / 1e9, size);
    }

    /** Rows of the old data's table in [from, end): counted before the destruction and again after the restore. */
    static long count(ServerDatabase database, Result fill) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM "
                + ServerDatabase.rawTable(FAMILY) + " WHERE collected_at >= ? AND collected_at < ?")) {
            ps.setTimestamp(1, Timestamp.from(fill.from()));
            ps.setTimestamp(2, Timestamp.from(fill.end()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static long databaseBytes(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_database_size(current_database())");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void partitions(Connection c, Instant from, Instant to) throws SQLException {
        LocalDate last = to.atZone(ZoneOffset.UTC).toLocalDate();
        for (LocalDate day = from.atZone(ZoneOffset.UTC).toLocalDate(); !day.isAfter(last); day = day.plusDays(1)) {
            ServerDatabase.ensurePartition(c, ServerDatabase.rawTable(FAMILY), day, day.plusDays(1));
        }
    }

    private static long insert(Connection c, List<Long> instanceIds, Instant from, Instant to, Duration step) throws SQLException {
        List<String> expressions = new ArrayList<>();
        for (Column column : FAMILY.columns()) {
            expressions.add(expression(column));
        }
        String sql = "INSERT INTO " + ServerDatabase.rawTable(FAMILY) + " (instance_id, collected_at, interval_seconds, "
                + String.join(", ", FAMILY.columnNames()) + ") SELECT i.id, t, " + step.toSeconds() + ".0, "
                + String.join(", ", expressions)
                + " FROM unnest(?::bigint[]) AS i(id), generate_series(?::timestamptz, ?::timestamptz - interval '1 microsecond', ?::interval) AS t,"
                + " generate_series(0, " + (STATEMENTS - 1) + ") AS g";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("bigint", instanceIds.toArray()));
            ps.setTimestamp(2, Timestamp.from(from));
            ps.setTimestamp(3, Timestamp.from(to));
            ps.setString(4, step.toSeconds() + " seconds");
            return ps.executeUpdate();
        }
    }

    /** A column's value in SQL: keys follow the statement number {@code g}, counters and gauges are random. */
    private static String expression(Column column) {
        boolean key = column.role() == ColumnRole.KEY;
        return switch (column.type()) {
            case INT8 -> key ? "(g + 1)::bigint" : "(random() * 5000)::bigint";
            case FLOAT8 -> "round((random() * 10000)::numeric, 3)::float8";
            case BOOL -> key ? "true" : "random() < 0.9";
            case TIMESTAMPTZ -> "t - interval '1 day'";
            case TEXT -> column.name().equals("datname") ? "(ARRAY['app', 'reporting', 'postgres'])[1 + g % 3]"
                    : key ? "'" + column.name() + "_' || g" : "'" + FAMILY.name() + "-" + column.name() + "'";
        };
    }
}

package io.pganalytics.server.backup.pgbackrest;

import io.pganalytics.common.backup.WalArchivingStatus;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * WAL archiving of the database pgBackRest backs up: {@code pg_stat_archiver} read through the product's own connection
 * pool, and {@code pgbackrest check} (which switches a WAL segment and waits for it in every repository), run at most
 * once every {@code checkEvery} since each run costs a segment.
 */
final class PgBackRestArchiving {
    private static final String SQL = """
            SELECT /* pganalytics */ current_setting('archive_mode'), current_setting('archive_command'), archived_count,
                   last_archived_wal, last_archived_time, failed_count, last_failed_wal, last_failed_time,
                   CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_walfile_name(pg_current_wal_lsn()) END
            FROM pg_stat_archiver""";

    private final DataSource dataSource;
    private final Duration archiveTimeout;
    private final Duration checkEvery;
    private final Clock clock;
    private final Supplier<Optional<String>> check;
    private Instant checkedAt;
    private Optional<String> checkProblem = Optional.empty();

    PgBackRestArchiving(DataSource dataSource, Duration archiveTimeout, Duration checkEvery, Clock clock, Supplier<Optional<String>> check) {
        this.dataSource = dataSource;
        this.archiveTimeout = archiveTimeout;
        this.checkEvery = checkEvery;
        this.clock = clock;
        this.check = check;
    }

    static String text(Duration d) {
        return d.toSeconds() + "s";
    }

    synchronized WalArchivingStatus status() {
        String timeout = text(archiveTimeout);
        try (Connection connection = dataSource.getConnection(); Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery(SQL)) {
            rs.next();
            boolean on = !"off".equals(rs.getString(1));
            String command = rs.getString(2);
            String lastWal = rs.getString(4);
            Instant lastAt = instant(rs.getTimestamp(5));
            String failedWal = rs.getString(7);
            Instant failedAt = instant(rs.getTimestamp(8));
            String current = rs.getString(9);
            long pending = pending(lastWal, current);
            if (!on) {
                return new WalArchivingStatus(false, lastWal, lastAt, pending, true,
                        "archive_mode is off on the database: set archive_mode = on and archive_command to pgbackrest archive-push"
                                + " (docs/backup/pgbackrest.md)", timeout);
            }
            if (command == null || !command.contains("pgbackrest")) {
                return new WalArchivingStatus(true, lastWal, lastAt, pending, true,
                        "archive_command does not call pgbackrest archive-push: the repository gets no WAL", timeout);
            }
            boolean failing = failedAt != null && (lastAt == null || failedAt.isAfter(lastAt));
            String error = failing ? "archive_command failed for " + failedWal + " at " + failedAt + " (" + rs.getLong(6)
                    + " failures in all); PostgreSQL's log has pgBackRest's message" : null;
            Instant now = clock.instant();
            if (checkedAt == null || Duration.between(checkedAt, now).compareTo(checkEvery) >= 0) {
                checkedAt = now;
                checkProblem = check.get();
            }
            if (checkProblem.isPresent()) {
                failing = true;
                error = error == null ? checkProblem.get() : error + "; " + checkProblem.get();
            }
            return new WalArchivingStatus(true, lastWal, lastAt, pending, failing, error, timeout);
        } catch (SQLException e) {
            return new WalArchivingStatus(false, null, null, 0, true, "pg_stat_archiver cannot be read: " + e.getMessage(), timeout);
        }
    }

    /** Segments between the last archived and the one being written (same timeline, 16 MiB segments). */
    static long pending(String lastArchived, String current) {
        if (lastArchived == null || current == null || lastArchived.length() != 24 || current.length() != 24
                || !lastArchived.substring(0, 8).equals(current.substring(0, 8))) {
            return 0;
        }
        long last = Long.parseLong(lastArchived.substring(8, 16), 16) * 256 + Long.parseLong(lastArchived.substring(16), 16);
        long now = Long.parseLong(current.substring(8, 16), 16) * 256 + Long.parseLong(current.substring(16), 16);
        return Math.max(0, now - last - 1);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}

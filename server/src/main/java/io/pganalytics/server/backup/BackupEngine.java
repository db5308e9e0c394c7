package io.pganalytics.server.backup;

import io.pganalytics.common.backup.RecoveryWindow;
import io.pganalytics.common.backup.RepositoryStatus;
import io.pganalytics.common.backup.RestorePlan;
import io.pganalytics.common.backup.WalArchivingStatus;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One way of backing up and restoring the product's database: the embedded engine (the server copies its own
 * embedded PostgreSQL with the low-level backup API and archives its WAL) or pgBackRest (for an external PostgreSQL or
 * TimescaleDB). Both write the same catalogue ({@link BackupCatalog}); {@link BackupService} drives either the same way.
 * <p>
 * Methods that run long report through {@link Progress} and end by returning or by throwing {@link BackupException}
 * with a message for a person; they never leave a half-written backup that the catalogue calls complete.
 */
public interface BackupEngine extends AutoCloseable {

    /** {@code embedded} or {@code pgbackrest}, as the catalogue and the API name it. */
    String name();

    /** Starts what runs continuously on this node (the embedded engine's WAL shipping). Idempotent. */
    void start();

    /**
     * Takes a backup of {@code kind} ({@code full}, {@code differential}, {@code incremental}) named {@code id}, writes
     * its catalogue row as it goes (running, then complete or failed), and returns the completed row's id.
     *
     * @throws BackupException when it fails; the catalogue row says failed with the same message
     * @throws IllegalArgumentException when this engine cannot take that kind
     */
    String backup(String kind, String id, String requestedBy, Progress progress);

    /** The time spans the database can be restored to any point of, oldest first. */
    List<RecoveryWindow> windows();

    /**
     * Plans a restore to {@code to} (empty: the latest point) into {@code target}, reading nothing but the catalogue and
     * the repository's listing.
     *
     * @throws OutsideWindowsException when {@code to} is in no window: it names the nearest valid times
     * @throws BackupException         when the target cannot be used (not empty, not writable)
     */
    RestorePlan plan(Optional<Instant> to, Path target);

    /**
     * Restores as planned: {@code target} becomes a PostgreSQL data directory which, started with
     * {@link #postgresBin()}, recovers to the plan's time and opens for connections. Checksums and authentication
     * tags are checked as files are read: a corrupted file or segment fails the restore naming it.
     */
    void restore(RestorePlan plan, Progress progress);

    /** The PostgreSQL programs ({@code bin/}) that start a restored data directory of this engine. */
    Path postgresBin();

    /**
     * What a restored copy's PostgreSQL needs in its environment to fetch WAL while it recovers (pgBackRest's
     * {@code archive-get} needs the repository passphrase); never logged. None by default.
     */
    default java.util.Map<String, String> recoveryEnvironment() {
        return java.util.Map.of();
    }

    /**
     * Deletes the complete backups beyond the newest {@code retainFull} full ones or older than {@code oldestKept} (never
     * the newest complete one), then the WAL no retained backup needs. Returns the ids of the backups expired.
     */
    List<String> expire(int retainFull, Instant oldestKept);

    /** The primary repository's state (and the second region's, for an engine that manages it itself). */
    List<RepositoryStatus> repositories();

    /** Continuous WAL archiving of the database this engine backs up. */
    WalArchivingStatus archiving();

    /** Stops what {@link #start()} started. */
    @Override
    void close();
}

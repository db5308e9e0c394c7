package io.pganalytics.server.backup.embedded;

import io.pganalytics.server.backup.BackupCatalog;
import io.pganalytics.server.backup.BackupException;
import io.pganalytics.server.backup.BackupManifest;
import io.pganalytics.server.backup.BackupStore;
import io.pganalytics.server.backup.Progress;
import io.pganalytics.server.backup.SealedStreams;
import io.pganalytics.server.db.EmbeddedDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One full backup of the embedded PostgreSQL (docs/backup/embedded.md): {@code pg_backup_start} and
 * {@code pg_backup_stop} on one superuser session (a non-exclusive backup: it ends with the session, so a server that
 * dies mid-backup leaves nothing behind in PostgreSQL), the data directory as a sealed tar, the WAL it needs shipped,
 * then the signed manifest. A backup that fails leaves no object of it in the repository and a catalogue row that says
 * failed with the reason; the database and ingest carry on.
 */
final class BaseBackup {
    private static final Logger LOG = LoggerFactory.getLogger(BaseBackup.class);

    private final EmbeddedDatabase database;
    private final BackupStore store;
    private final SealedStreams sealing;
    private final BackupCatalog catalog;
    private final WalShipper shipper;
    private final String nodeName;
    private final Clock clock;

    BaseBackup(EmbeddedDatabase database, BackupStore store, SealedStreams sealing, BackupCatalog catalog, WalShipper shipper,
               String nodeName, Clock clock) {
        this.database = database;
        this.store = store;
        this.sealing = sealing;
        this.catalog = catalog;
        this.shipper = shipper;
        this.nodeName = nodeName;
        this.clock = clock;
    }

    /** What a finished backup reports (for logs and tests). */
    record Result(BackupManifest manifest, long storedBytes, Duration took) {
    }

    /** Takes the full backup {@code id}; its catalogue row is written first (running) and last (complete or failed). */
    Result run(String id, String requestedBy, Progress progress) {
        Instant started = clock.instant();
        catalog.started(id, EmbeddedEngine.NAME, "full", null, started, nodeName, requestedBy);
        try {
            Result result = take(id, progress);
            LOG.info("backup {}: complete, {} MB of database in {} MB stored, {} s ({} MB/s)", id, result.manifest().sizeBytes() >> 20,
                    result.storedBytes() >> 20, result.took().toSeconds(), mbPerSecond(result.manifest().sizeBytes(), result.took()));
            return result;
        } catch (IOException | SQLException | RuntimeException e) {
            String message = message(id, e);
            removeObjects(id);
            catalog.failed(id, clock.instant(), message);
            LOG.warn("{}", message);
            throw new BackupException(message, e);
        }
    }

    private Result take(String id, Progress progress) throws IOException, SQLException {
        String dir = BackupManifest.directory(id);
        PgDataTar tar = new PgDataTar(database.pgData());
        try (Connection connection = database.superuser()) {
            connection.setAutoCommit(true);
            String systemId = RepositoryMarker.systemId(connection);
            RepositoryMarker.claim(store, systemId, clock.instant());
            int pgVersion = Integer.parseInt(single(connection, "SELECT current_setting('server_version_num')"));
            progress.phase("starting the backup (checkpoint)");
            String lsnStart;
            try (PreparedStatement st = connection.prepareStatement("SELECT pg_backup_start(?, true)::text")) {
                st.setString(1, "pganalytics " + id);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    lsnStart = rs.getString(1);
                }
            }
            Instant startedAt = clock.instant();
            int timeline = Integer.parseInt(single(connection, "SELECT timeline_id::text FROM pg_control_checkpoint()"));
            String walStart = walFile(connection, lsnStart);
            long total = tar.size();
            progress.phase("copying the data directory");
            progress.bytes(0, total);
            String baseName = dir + BackupManifest.BASE;
            Stop[] stop = new Stop[1];
            long[] copied = new long[1];
            SealedStreams.Sealing[] sealed = new SealedStreams.Sealing[1];
            store.write(baseName, out -> {
                try (SealedStreams.Sealing sealedOut = sealing.seal(out, baseName)) {
                    sealed[0] = sealedOut;
                    copied[0] = tar.write(sealedOut, progress, total, () -> {
                        progress.phase("ending the backup (waiting for its last WAL segment to be archived)");
                        stop[0] = stop(connection);
                        return new PgDataTar.Labels(stop[0].backupLabel(), stop[0].tablespaceMap());
                    });
                }
            });
            Instant consistentAt = stop[0].at();
            String walStop = walFile(connection, stop[0].lsn());
            progress.phase("shipping the WAL the backup needs");
            shipper.shipUntil(walStop);
            progress.phase("writing the manifest");
            SealedStreams.Sealing base = sealed[0];
            BackupManifest manifest = new BackupManifest(BackupManifest.FORMAT, id, "full", startedAt, consistentAt, timeline, lsnStart,
                    stop[0].lsn(), walStart, walStop, systemId, pgVersion, stop[0].backupLabel(),
                    stop[0].tablespaceMap() == null ? "" : stop[0].tablespaceMap(), copied[0],
                    List.of(new BackupManifest.StoredFile(baseName, base.plainBytes(), base.storedBytes(), base.sha256())), base.keyVersion());
            manifest.write(store, sealing);
            Instant finished = clock.instant();
            catalog.completed(id, new BackupCatalog.Completion(finished, consistentAt, copied[0], base.storedBytes(), timeline, lsnStart,
                    stop[0].lsn(), walStart, walStop, base.keyVersion(), BackupManifest.sha256(manifest.toJson())));
            progress.bytes(copied[0], copied[0]);
            progress.phase("complete");
            return new Result(manifest, base.storedBytes(), Duration.between(startedAt, finished));
        }
    }

    private record Stop(String lsn, String backupLabel, String tablespaceMap, Instant at) {
    }

    private Stop stop(Connection connection) throws IOException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT lsn::text, labelfile, spcmapfile FROM pg_backup_stop(true)")) {
            rs.next();
            return new Stop(rs.getString(1), rs.getString(2), rs.getString(3), clock.instant());
        } catch (SQLException e) {
            throw new IOException("pg_backup_stop: " + e.getMessage(), e);
        }
    }

    private static String walFile(Connection connection, String lsn) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("SELECT pg_walfile_name(?::pg_lsn)")) {
            st.setString(1, lsn);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Deletes what a failed backup wrote (each object is whole or absent; the signature goes first). */
    private void removeObjects(String id) {
        String dir = BackupManifest.directory(id);
        try {
            store.delete(dir + BackupManifest.SIGNATURE);
            for (BackupStore.StoredObject object : store.list(dir)) {
                store.delete(object.name());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("backup {}: could not remove its objects from {} after it failed: {}", id, store.location(), e.getMessage());
        }
    }

    private String message(String id, Exception e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String free = "";
        try {
            free = store.freeBytes().isPresent() ? " (" + (store.freeBytes().getAsLong() >> 20) + " MB free in " + store.location() + ")" : "";
        } catch (IOException | RuntimeException ignored) {
            // the figure is a hint only
        }
        return "backup " + id + " failed: " + reason + free;
    }

    static String mbPerSecond(long bytes, Duration took) {
        double seconds = Math.max(took.toMillis(), 1) / 1000.0;
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1048576.0 / seconds);
    }
}

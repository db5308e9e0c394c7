package io.pganalytics.server.backup.embedded;

import io.pganalytics.common.backup.BackupView;
import io.pganalytics.common.backup.RecoveryWindow;
import io.pganalytics.common.backup.RepositoryStatus;
import io.pganalytics.common.backup.RestorePlan;
import io.pganalytics.common.backup.WalArchivingStatus;
import io.pganalytics.server.backup.BackupCatalog;
import io.pganalytics.server.backup.BackupConfig;
import io.pganalytics.server.backup.BackupContext;
import io.pganalytics.server.backup.BackupEngine;
import io.pganalytics.server.backup.BackupException;
import io.pganalytics.server.backup.BackupManifest;
import io.pganalytics.server.backup.BackupStore;
import io.pganalytics.server.backup.FileStore;
import io.pganalytics.server.backup.Progress;
import io.pganalytics.server.backup.region.SecondRegion;
import io.pganalytics.server.db.EmbeddedDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The embedded engine: the server backs up its own embedded PostgreSQL into a repository directory (docs/backup/embedded.md).
 * WAL is shipped continuously by {@link WalShipper}; {@link #backup} takes a full backup ({@link BaseBackup}); {@link #expire}
 * applies the retention to backups and WAL alike.
 */
public final class EmbeddedEngine implements BackupEngine {
    public static final String NAME = "embedded";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedEngine.class);
    /** Below this much free space the repository's status warns. */
    private static final long LOW_SPACE = 1L << 30;

    private final BackupConfig config;
    private final EmbeddedDatabase database;
    private final BackupCatalog catalog;
    private final BackupStore store;
    private final WalShipper shipper;
    private final BaseBackup baseBackup;
    /** The repository as a restore reads it: manifests and WAL objects only, no database. */
    private final RepositoryReader repository;
    /** The copy in a second region, when one is configured (the embedded database has one node: it copies). */
    private final Optional<SecondRegion> secondRegion;
    private final Clock clock;
    private volatile String systemId;

    public EmbeddedEngine(BackupContext context) {
        this.config = context.config();
        this.database = context.embedded().orElseThrow(() -> new IllegalArgumentException(
                "the embedded backup engine needs the embedded database"));
        this.catalog = context.catalog();
        this.clock = context.clock();
        Path repository = config.repositoryIn(context.dataDir());
        try {
            this.store = new FileStore(repository);
        } catch (IOException e) {
            throw new BackupException("the backup repository " + repository + " cannot be used: " + e.getMessage(), e);
        }
        this.shipper = new WalShipper(BackupConfig.walOutbox(context.dataDir()), store, context.sealing(), catalog, this::claimRepository,
                config.walShipInterval(), config.walOutboxMax(), config.archiveTimeout(), clock);
        this.repository = new RepositoryReader(store, context.sealing(), database.bin());
        this.secondRegion = SecondRegion.open(context, store, null);
        this.baseBackup = new BaseBackup(database, store, context.sealing(), catalog, shipper, context.nodeName(), clock);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start() {
        shipper.start();
        secondRegion.ifPresent(SecondRegion::start);
    }

    /** The repository's objects. */
    public BackupStore store() {
        return store;
    }

    @Override
    public synchronized String backup(String kind, String id, String requestedBy, Progress progress) {
        if (!"full".equals(kind)) {
            throw new IllegalArgumentException("the embedded engine takes full backups only, not '" + kind + "'");
        }
        String unique = BackupIds.unique(id == null || id.isBlank() ? BackupIds.at(clock.instant()) : id, this::taken);
        BaseBackup.Result result = baseBackup.run(unique, requestedBy, progress);
        shipper.chainRestarted(result.manifest().startedAt());
        return unique;
    }

    private boolean taken(String id) {
        try {
            return catalog.find(id).isPresent() || !store.list(BackupManifest.directory(id)).isEmpty();
        } catch (IOException e) {
            throw new BackupException("the backup repository " + store.location() + " cannot be listed: " + e.getMessage(), e);
        }
    }

    /** Checks (once per server run) that the repository is this cluster's, and marks a new one. */
    private void claimRepository() throws IOException {
        if (systemId != null) {
            return;
        }
        String id;
        try (Connection connection = database.superuser()) {
            id = RepositoryMarker.systemId(connection);
        } catch (SQLException e) {
            throw new IOException("cannot read the database's system identifier: " + e.getMessage(), e);
        }
        RepositoryMarker.claim(store, id, clock.instant());
        systemId = id;
    }

    @Override
    public List<RecoveryWindow> windows() {
        return repository.windows();
    }

    @Override
    public RestorePlan plan(Optional<Instant> to, Path target) {
        return repository.plan(to, target);
    }

    @Override
    public void restore(RestorePlan plan, Progress progress) {
        repository.restore(plan, progress);
    }

    @Override
    public Path postgresBin() {
        return repository.postgresBin();
    }

    /**
     * Expires complete backups beyond the newest {@code retainFull} or older than {@code oldestKept}, but never the newest
     * complete one; then deletes the WAL segments older than the oldest retained backup's first segment.
     */
    @Override
    public synchronized List<String> expire(int retainFull, Instant oldestKept) {
        List<BackupView> complete = new ArrayList<>(catalog.complete().stream().filter(b -> NAME.equals(b.engine())).toList());
        complete.sort(Comparator.comparing(BackupView::consistentAt).reversed());
        List<String> expired = new ArrayList<>();
        List<BackupView> kept = new ArrayList<>();
        for (int i = 0; i < complete.size(); i++) {
            BackupView backup = complete.get(i);
            boolean keep = i == 0 || (i < Math.max(1, retainFull) && !backup.consistentAt().isBefore(oldestKept));
            if (keep) {
                kept.add(backup);
                continue;
            }
            deleteBackup(backup.id());
            catalog.expired(backup.id());
            expired.add(backup.id());
        }
        if (!expired.isEmpty()) {
            LOG.info("backup: expired {} (retain {} full, none older than {})", expired, retainFull, oldestKept);
        }
        kept.stream().map(BackupView::walStart).filter(w -> w != null).min(Comparator.naturalOrder()).ifPresent(this::deleteWalBefore);
        return expired;
    }

    private void deleteBackup(String id) {
        String dir = BackupManifest.directory(id);
        try {
            // the signature first: a backup half deleted reads as incomplete, never as a backup with a file missing
            store.delete(dir + BackupManifest.SIGNATURE);
            for (BackupStore.StoredObject object : store.list(dir)) {
                store.delete(object.name());
            }
        } catch (IOException e) {
            throw new BackupException("backup " + id + ": cannot delete its objects in " + store.location() + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the segments (history files stay: they are tiny and name the timelines) older than {@code walStart}. */
    private void deleteWalBefore(String walStart) {
        List<String> deleted = new ArrayList<>();
        try {
            for (BackupStore.StoredObject object : store.list(BackupManifest.WAL)) {
                String walName = object.name().substring(BackupManifest.WAL.length());
                if (!walName.endsWith(BackupManifest.SUFFIX)) {
                    continue;
                }
                walName = walName.substring(0, walName.length() - BackupManifest.SUFFIX.length());
                if (WalShipper.SEGMENT.matcher(walName).matches() && walName.compareTo(walStart) < 0) {
                    store.delete(object.name());
                    deleted.add(walName);
                }
            }
        } catch (IOException e) {
            throw new BackupException("cannot delete expired WAL in " + store.location() + ": " + e.getMessage(), e);
        } finally {
            catalog.walDeleted(deleted);
        }
        if (!deleted.isEmpty()) {
            LOG.info("backup: deleted {} WAL segments older than {} (no retained backup needs them)", deleted.size(), walStart);
        }
    }

    @Override
    public List<RepositoryStatus> repositories() {
        try {
            long used = 0;
            Instant newest = null;
            for (BackupStore.StoredObject object : store.list("")) {
                used += object.size();
                newest = newest == null || object.modified().isAfter(newest) ? object.modified() : newest;
            }
            Long free = store.freeBytes().isPresent() ? store.freeBytes().getAsLong() : null;
            String warning = free != null && free < LOW_SPACE
                    ? "only " + (free >> 20) + " MB free: the next backup may not fit" : null;
            return withSecondRegion(new RepositoryStatus(RepositoryStatus.PRIMARY, store.kind(), store.location(), true, used, free, newest,
                    null, null, warning));
        } catch (IOException | RuntimeException e) {
            return withSecondRegion(new RepositoryStatus(RepositoryStatus.PRIMARY, store.kind(), store.location(), false, null, null, null,
                    null, "cannot read the repository: " + e.getMessage(), null));
        }
    }

    private List<RepositoryStatus> withSecondRegion(RepositoryStatus primary) {
        return secondRegion.map(region -> List.of(primary, region.status())).orElse(List.of(primary));
    }

    @Override
    public WalArchivingStatus archiving() {
        return shipper.status();
    }

    /** WAL shipping, for tests and the drill. */
    WalShipper shipper() {
        return shipper;
    }

    @Override
    public void close() {
        secondRegion.ifPresent(SecondRegion::close);
        shipper.close();
    }
}

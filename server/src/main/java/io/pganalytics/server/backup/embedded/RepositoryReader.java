package io.pganalytics.server.backup.embedded;

import io.pganalytics.common.backup.RecoveryWindow;
import io.pganalytics.common.backup.RestorePlan;
import io.pganalytics.server.backup.BackupException;
import io.pganalytics.server.backup.BackupManifest;
import io.pganalytics.server.backup.BackupStore;
import io.pganalytics.server.backup.OutsideWindowsException;
import io.pganalytics.server.backup.Progress;
import io.pganalytics.server.backup.SealedStreams;
import io.pganalytics.server.backup.restore.RecoverySettings;
import io.pganalytics.server.backup.restore.RecoveryWindows;
import io.pganalytics.server.backup.restore.RecoveryWindows.ArchivedWal;
import io.pganalytics.server.backup.restore.RecoveryWindows.Chain;
import io.pganalytics.server.backup.restore.RestoreTarget;
import io.pganalytics.server.backup.restore.StoredObjectReader;
import io.pganalytics.server.backup.restore.TarUnpacker;
import io.pganalytics.server.backup.restore.WalSegments;
import io.pganalytics.server.files.OwnerOnly;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An embedded-engine repository read with no database (docs/backup/restore.md): the backups it holds (their signed
 * manifests), the recovery windows they and the archived WAL give, restore plans and restores into a new directory.
 * The embedded engine delegates {@code windows}, {@code plan}, {@code restore} and {@code postgresBin} here; the offline
 * {@code restore} command uses it directly.
 */
public final class RepositoryReader {
    /** The most backups a repository listing reads (retention keeps far fewer). */
    static final int MAX_BACKUPS = 1000;
    /** Segments staged past the first one that reached the repository after a point-in-time target: its commits lie there. */
    static final int SEGMENTS_PAST_TARGET = 2;
    private static final Logger LOG = LoggerFactory.getLogger(RepositoryReader.class);

    private final BackupStore store;
    private final SealedStreams sealing;
    private final Path postgresBin;
    /** Verified manifests by backup id: a signed manifest never changes, so each is unwrapped and checked once. */
    private final Map<String, BackupManifest> manifests = new ConcurrentHashMap<>();

    public RepositoryReader(BackupStore store, SealedStreams sealing, Path postgresBin) {
        this.store = store;
        this.sealing = sealing;
        this.postgresBin = postgresBin;
    }

    public Path postgresBin() {
        return postgresBin;
    }

    /**
     * The backups whose manifest verifies, oldest consistent point first. A backup still being written (no signature
     * yet) or one whose manifest does not verify is left out, the latter with a warning naming it.
     */
    public List<BackupManifest> backups() {
        List<String> ids = new ArrayList<>();
        for (BackupStore.StoredObject object : listing(BackupManifest.BACKUPS)) {
            String name = object.name();
            if (name.endsWith("/" + BackupManifest.SIGNATURE)) {
                ids.add(name.substring(BackupManifest.BACKUPS.length(), name.length() - BackupManifest.SIGNATURE.length() - 1));
            }
        }
        List<BackupManifest> backups = new ArrayList<>();
        for (String id : ids.subList(Math.max(0, ids.size() - MAX_BACKUPS), ids.size())) {
            try {
                backups.add(manifest(id));
            } catch (BackupException e) {
                LOG.warn("backup repository {}: {}", store.location(), e.getMessage());
            }
        }
        backups.sort(Comparator.comparing(BackupManifest::consistentAt).thenComparing(BackupManifest::id));
        return backups;
    }

    /** One backup's verified manifest. @throws BackupException naming the object when it is missing or altered */
    public BackupManifest manifest(String id) {
        BackupManifest cached = manifests.get(id);
        if (cached != null) {
            return cached;
        }
        BackupManifest manifest = BackupManifest.read(store, sealing, id);
        manifests.put(id, manifest);
        return manifest;
    }

    public List<RecoveryWindow> windows() {
        return RecoveryWindows.windows(chains());
    }

    /**
     * Plans a restore to {@code to} (empty: the latest point) into {@code target}: from the newest backup whose window
     * holds the time. A time that is exactly a backup's consistent point restores that backup alone
     * ({@code recovery_target = 'immediate'}), which is what a verification of one backup asks.
     *
     * @throws OutsideWindowsException when no window holds {@code to}, naming the nearest times
     * @throws BackupException         when the target exists and is not an empty directory, or nothing can be restored
     */
    public RestorePlan plan(Optional<Instant> to, Path target) {
        Path where = RestoreTarget.check(target);
        List<Chain> chains = chains();
        Chain chain;
        if (to.isEmpty()) {
            chain = chains.stream().max(Comparator.comparing(Chain::to).thenComparing(Chain::from))
                    .orElseThrow(() -> new BackupException("nothing can be restored from " + store.location()
                            + ": it holds no complete backup with its WAL"));
        } else {
            Instant time = to.get();
            chain = chains.stream().filter(c -> c.window().contains(time)).max(Comparator.comparing(Chain::from))
                    .orElseThrow(() -> new OutsideWindowsException(time, RecoveryWindows.windows(chains)));
        }
        Instant at = to.orElse(chain.to());
        boolean immediate = to.isPresent() && at.equals(chain.from());
        List<ArchivedWal> segments = segmentsFor(chain, to, immediate);
        long walBytes = segments.stream().mapToLong(ArchivedWal::storedBytes).sum();
        long baseBytes = base(chain.backup()).storedBytes();
        String first = segments.getFirst().name();
        String last = segments.getLast().name();
        List<String> steps = List.of(
                "read " + baseObject(chain.backup()) + " (" + megabytes(baseBytes) + ") from " + store.location()
                        + ", check its SHA-256 against the signed manifest and unpack it into " + where,
                "decrypt " + segments.size() + " WAL segments " + first + " .. " + last + " (" + megabytes(walBytes) + ") into "
                        + where.resolve(RecoverySettings.STAGED_WAL),
                "write recovery.signal and the recovery settings into postgresql.auto.conf: "
                        + (immediate ? "stop as soon as backup " + chain.backup().id() + " is consistent"
                        : to.isEmpty() ? "replay every staged segment (latest)" : "recovery_target_time = '" + at + "'")
                        + ", then promote",
                "start PostgreSQL " + chain.backup().pgVersion() / 10000 + " on it (" + postgresBin + "): it replays the WAL and opens",
                "switch over when it is the database to keep: stop the server, move <data-dir>/postgres aside, move "
                        + where + " to <data-dir>/postgres, start the server (docs/backup/restore.md)");
        List<String> warnings = new ArrayList<>();
        if (to.isEmpty()) {
            warnings.add("latest is " + at + ", when the newest WAL segment reached the repository; changes not yet archived"
                    + " (at most backup.archive-timeout plus backup.wal-ship-interval) are not in the repository");
        }
        if (!Files.exists(where)) {
            warnings.add(where + " does not exist: it is created owner-only");
        }
        return new RestorePlan(at, to.isEmpty(), chain.backup().id(), chain.from(), first, last, baseBytes + walBytes,
                where.toString(), steps, warnings);
    }

    /**
     * Restores as planned. The target is checked again (empty or absent); on any failure what was written into it is
     * removed again, so a failed restore leaves no half data directory.
     *
     * @throws BackupException naming the object at fault: a base backup whose stored bytes do not match the manifest's
     *                         SHA-256, a chunk or WAL segment that does not authenticate, a missing segment
     */
    public void restore(RestorePlan plan, Progress progress) {
        Path target = RestoreTarget.check(Path.of(plan.target()));
        BackupManifest backup = manifest(plan.backupId());
        boolean immediate = !plan.latest() && plan.to().equals(RecoveryWindows.micros(backup.consistentAt()));
        List<String> segments = segmentNames(plan.walFrom(), plan.walTo());
        boolean existed = Files.exists(target);
        StoredObjectReader reader = new StoredObjectReader(store, sealing, progress, plan.bytesToRead());
        try {
            OwnerOnly.directory(target);
            progress.phase("restoring base backup " + backup.id());
            restoreBase(backup, target, reader);
            progress.phase("decrypting " + segments.size() + " WAL segments");
            Path staged = OwnerOnly.directory(target.resolve(RecoverySettings.STAGED_WAL));
            for (String segment : segments) {
                stage(reader, BackupManifest.walObject(segment), staged.resolve(segment));
            }
            for (ArchivedWal history : RecoveryWindows.histories(listing(BackupManifest.WAL))) {
                stage(reader, history.object(), staged.resolve(history.name()));
            }
            progress.phase("writing recovery settings");
            RecoverySettings.write(target, plan.latest() ? Optional.empty() : Optional.of(plan.to()), immediate);
            progress.bytes(reader.done(), reader.done());
            progress.phase("restored into " + target + ": PostgreSQL recovers " + (plan.latest() ? "to the latest point" : "to " + plan.to())
                    + " when it starts");
        } catch (IOException | RuntimeException e) {
            RestoreTarget.clear(target, existed);
            if (e instanceof BackupException backupException) {
                throw backupException;
            }
            throw new BackupException("restore of backup " + backup.id() + " into " + target + " failed: " + e.getMessage(), e);
        }
    }

    private void restoreBase(BackupManifest backup, Path target, StoredObjectReader reader) throws IOException {
        String object = baseObject(backup);
        BackupManifest.StoredFile expected = base(backup);
        TarUnpacker unpacker = new TarUnpacker(object, target);
        reader.read(object, expected, unpacker::unpack);
        if (!Files.exists(target.resolve("backup_label")) && !backup.backupLabel().isEmpty()) {
            OwnerOnly.writeString(target.resolve("backup_label"), backup.backupLabel());
        }
        if (!Files.exists(target.resolve("tablespace_map")) && backup.tablespaceMap() != null && !backup.tablespaceMap().isEmpty()) {
            OwnerOnly.writeString(target.resolve("tablespace_map"), backup.tablespaceMap());
        }
        if (!Files.isRegularFile(target.resolve("PG_VERSION"))) {
            throw new BackupException(object + " holds no PostgreSQL data directory (no PG_VERSION)");
        }
    }

    private void stage(StoredObjectReader reader, String object, Path file) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".partial");
        Files.deleteIfExists(temp);
        reader.read(object, null, in -> {
            try (OutputStream out = OwnerOnly.posix(file.getParent())
                    ? Files.newOutputStream(Files.createFile(temp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(OwnerOnly.FILE)))
                    : Files.newOutputStream(temp)) {
                in.transferTo(out);
            }
        });
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }

    private List<Chain> chains() {
        return RecoveryWindows.chains(backups(), RecoveryWindows.segments(listing(BackupManifest.WAL)));
    }

    private static List<ArchivedWal> segmentsFor(Chain chain, Optional<Instant> to, boolean immediate) {
        if (immediate) {
            return chain.toConsistency();
        }
        if (to.isEmpty()) {
            return chain.segments();
        }
        List<ArchivedWal> all = chain.segments();
        int reaching = chain.toConsistency().size() - 1;
        while (reaching < all.size() - 1 && all.get(reaching).archivedAt().isBefore(to.get())) {
            reaching++;
        }
        return all.subList(0, Math.min(all.size(), reaching + 1 + SEGMENTS_PAST_TARGET));
    }

    private static List<String> segmentNames(String from, String to) {
        if (!WalSegments.isSegment(from) || !WalSegments.isSegment(to) || WalSegments.timeline(from) != WalSegments.timeline(to)
                || WalSegments.number(to) < WalSegments.number(from)) {
            throw new BackupException("the plan's WAL range " + from + " .. " + to + " is not a range of segments of one timeline");
        }
        List<String> names = new ArrayList<>();
        for (String s = from; ; s = WalSegments.next(s)) {
            names.add(s);
            if (s.equals(to)) {
                return names;
            }
        }
    }

    private static String baseObject(BackupManifest backup) {
        return BackupManifest.directory(backup.id()) + BackupManifest.BASE;
    }

    private static BackupManifest.StoredFile base(BackupManifest backup) {
        String name = baseObject(backup);
        return backup.objects().stream().filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow(() -> new BackupException("backup " + backup.id() + ": its manifest names no " + name));
    }

    private List<BackupStore.StoredObject> listing(String prefix) {
        try {
            return store.list(prefix);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new BackupException("cannot list " + prefix + " in the backup repository " + store.location() + ": " + e.getMessage(), e);
        }
    }

    static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
    }
}

package io.pganalytics.server.backup.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.backup.WalArchivingStatus;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.units.Durations;
import io.pganalytics.server.backup.BackupCatalog;
import io.pganalytics.server.backup.BackupException;
import io.pganalytics.server.backup.BackupManifest;
import io.pganalytics.server.backup.BackupStore;
import io.pganalytics.server.backup.SealedStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Moves the WAL the embedded PostgreSQL archived into {@code <data-dir>/wal-outbox} (by {@code basic_archive}) into the
 * repository: each segment becomes the sealed object {@code wal/<segment>.pgab} and a {@code backup_wal} row, and leaves
 * the outbox only once both are durable. Runs every {@code wal-ship-interval} on a thread of its own that backs off
 * while the repository fails (up to a minute) and never stops; failures are counted and reported by {@link #status()},
 * never thrown at the database or at ingest.
 * <p>
 * The outbox is bounded by {@code wal-outbox-max}: while the repository cannot take WAL, PostgreSQL keeps archiving
 * into the outbox (its own disk); beyond the bound the oldest segments are dropped and the gap is recorded (logged,
 * reported, and written as {@code gaps/<first segment>.json} once the repository takes it). A gap ends every recovery
 * window before it: the WAL chain starts again with the next full backup.
 */
final class WalShipper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WalShipper.class);
    static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");
    static final Pattern HISTORY = Pattern.compile("[0-9A-F]{8}\\.history");
    static final String GAPS = "gaps/";
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    private static final int MAX_GAPS_KEPT = 100;
    private static final ObjectMapper JSON = JsonMapping.newMapper();

    private final Path outbox;
    private final BackupStore store;
    private final SealedStreams sealing;
    private final BackupCatalog catalog;
    private final RepositoryClaim claim;
    private final Duration interval;
    private final long outboxMax;
    private final Duration archiveTimeout;
    private final Clock clock;
    private final AtomicLong failures = new AtomicLong();
    private final Deque<Gap> gaps = new ArrayDeque<>();
    private final List<Gap> unwrittenGaps = new ArrayList<>();
    private volatile ScheduledExecutorService executor;
    private volatile String lastArchived;
    private volatile Instant lastArchivedAt;
    private volatile String lastError;
    private volatile boolean failing;
    private int consecutiveFailures;

    /** Checks, once, that the repository belongs to this cluster (see {@link RepositoryMarker}). */
    @FunctionalInterface
    interface RepositoryClaim {
        void check() throws IOException;
    }

    /**
     * Segments dropped from the outbox unshipped.
     *
     * @param first    the first segment dropped
     * @param last     the last segment dropped
     * @param segments how many
     * @param bytes    their size
     * @param at       when
     */
    record Gap(String first, String last, int segments, long bytes, Instant at) {
    }

    WalShipper(Path outbox, BackupStore store, SealedStreams sealing, BackupCatalog catalog, RepositoryClaim claim, Duration interval,
               long outboxMax, Duration archiveTimeout, Clock clock) {
        this.outbox = outbox;
        this.store = store;
        this.sealing = sealing;
        this.catalog = catalog;
        this.claim = claim;
        this.interval = interval;
        this.outboxMax = outboxMax;
        this.archiveTimeout = archiveTimeout;
        this.clock = clock;
    }

    synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "backup-wal-shipper");
            thread.setDaemon(true);
            return thread;
        });
        executor.schedule(this::tick, 0, TimeUnit.MILLISECONDS);
    }

    /**
     * The thread's root: one round, then the next one after the interval, or after a longer wait while failing. The next
     * round is scheduled whatever happened, an Error included: the shipper never stops by itself.
     */
    private void tick() {
        Duration next = interval;
        try {
            shipOnce();
        } catch (Exception e) { // the root of a supervised thread: count, report, back off, carry on
            int streak;
            synchronized (this) {
                streak = ++consecutiveFailures;
            }
            Duration backoff = interval.multipliedBy(1L << Math.min(streak, 10));
            next = backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
            if (streak == 1 || streak % 20 == 0) {
                LOG.warn("backup: WAL shipping to {} fails ({} times in a row; next try in {}): {}", store.location(), streak,
                        Durations.format(next), e.getMessage());
            }
        } finally {
            ScheduledExecutorService current = executor;
            if (current != null && !current.isShutdown()) {
                try {
                    current.schedule(this::tick, next.toMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    // closed meanwhile
                }
            }
        }
    }

    /**
     * Ships every segment waiting in the outbox, oldest first, stopping at the first failure (which it records and
     * throws).
     */
    synchronized void shipOnce() throws IOException {
        try {
            claim.check();
            List<Path> waiting = bound(waiting());
            for (Path file : waiting) {
                ship(file);
            }
            writeGaps();
            failing = false;
            lastError = null;
            consecutiveFailures = 0;
        } catch (IOException | RuntimeException e) {
            failures.incrementAndGet();
            failing = true;
            lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw e;
        }
    }

    /**
     * Ships now and checks that {@code segment} is in the repository (a backup's last segment: the backup is usable
     * only with it).
     *
     * @throws BackupException when it is not
     */
    void shipUntil(String segment) {
        String object = BackupManifest.walObject(segment);
        try {
            shipOnce();
            if (!store.exists(object)) {
                throw new BackupException("the WAL segment " + segment + " the backup needs is not in the outbox " + outbox
                        + " nor in the repository " + store.location());
            }
        } catch (IOException e) {
            throw new BackupException("the WAL the backup needs (up to " + segment + ") did not reach the repository "
                    + store.location() + ": " + e.getMessage(), e);
        }
    }

    private void ship(Path file) throws IOException {
        String walName = file.getFileName().toString();
        String object = BackupManifest.walObject(walName);
        SealedStreams.Sealing[] sealed = new SealedStreams.Sealing[1];
        try {
            store.write(object, out -> {
                try (InputStream in = Files.newInputStream(file); SealedStreams.Sealing sealedOut = sealing.seal(out, object)) {
                    sealed[0] = sealedOut;
                    in.transferTo(sealedOut);
                }
            });
        } catch (NoSuchFileException gone) {
            if (gone.getFile() != null && gone.getFile().equals(file.toString())) {
                return; // dropped by the bound meanwhile
            }
            throw gone;
        } catch (IOException e) {
            throw new IOException("cannot write " + object + " into " + store.location() + ": " + e.getMessage(), e);
        }
        Instant at = clock.instant();
        catalog.wal(new BackupCatalog.Wal(walName, Integer.parseInt(walName.substring(0, 8), 16), at, sealed[0].storedBytes(),
                sealed[0].sha256(), sealed[0].keyVersion(), null));
        Files.delete(file);
        lastArchived = walName;
        lastArchivedAt = at;
    }

    /** The segments and history files in the outbox, in name order (PostgreSQL's temporary files aside). */
    private List<Path> waiting() throws IOException {
        if (!Files.isDirectory(outbox)) {
            return List.of();
        }
        try (var files = Files.list(outbox)) {
            return files.filter(f -> {
                String name = f.getFileName().toString();
                return (SEGMENT.matcher(name).matches() || HISTORY.matcher(name).matches()) && Files.isRegularFile(f);
            }).sorted(Comparator.comparing(f -> f.getFileName().toString())).toList();
        }
    }

    /** Drops the oldest segments beyond {@code wal-outbox-max} and records the gap; returns what is left. */
    private List<Path> bound(List<Path> waiting) throws IOException {
        long total = 0;
        List<Long> sizes = new ArrayList<>(waiting.size());
        for (Path file : waiting) {
            long size = size(file);
            sizes.add(size);
            total += size;
        }
        if (total <= outboxMax) {
            return waiting;
        }
        List<Path> left = new ArrayList<>();
        String first = null;
        String last = null;
        int dropped = 0;
        long droppedBytes = 0;
        for (int i = 0; i < waiting.size(); i++) {
            Path file = waiting.get(i);
            String name = file.getFileName().toString();
            if (total > outboxMax && SEGMENT.matcher(name).matches()) {
                Files.deleteIfExists(file);
                total -= sizes.get(i);
                droppedBytes += sizes.get(i);
                dropped++;
                first = first == null ? name : first;
                last = name;
            } else {
                left.add(file);
            }
        }
        if (dropped > 0) {
            Gap gap = new Gap(first, last, dropped, droppedBytes, clock.instant());
            gaps.addLast(gap);
            while (gaps.size() > MAX_GAPS_KEPT) {
                gaps.removeFirst();
            }
            unwrittenGaps.add(gap);
            LOG.error("backup: the WAL outbox {} passed backup.wal-outbox-max ({} MB) while the repository {} does not take WAL:"
                            + " dropped {} segments {} to {}; recovery windows end before {} until the next full backup",
                    outbox, outboxMax >> 20, store.location(), dropped, first, last, first);
        }
        return left;
    }

    private void writeGaps() throws IOException {
        while (!unwrittenGaps.isEmpty()) {
            Gap gap = unwrittenGaps.getFirst();
            byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(gap);
            store.write(GAPS + gap.first() + ".json", out -> out.write(json));
            unwrittenGaps.removeFirst();
        }
    }

    private static long size(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException gone) {
            return 0;
        }
    }

    /** The gaps recorded since this server started, oldest first. */
    synchronized List<Gap> gaps() {
        return List.copyOf(gaps);
    }

    /** A full backup completed at {@code at}: the chain restarts there, so gaps before it no longer end a window to come. */
    synchronized void chainRestarted(Instant at) {
        gaps.removeIf(gap -> gap.at().isBefore(at));
    }

    long failures() {
        return failures.get();
    }

    /** Segments waiting in the outbox now. */
    long pending() {
        try {
            return waiting().size();
        } catch (IOException e) {
            return -1;
        }
    }

    WalArchivingStatus status() {
        String error = lastError;
        synchronized (this) {
            if (!gaps.isEmpty()) {
                Gap gap = gaps.getLast();
                String gapText = "WAL " + gap.first() + " to " + gap.last() + " was dropped from the outbox at " + gap.at()
                        + " (beyond backup.wal-outbox-max): recovery windows end before it until the next full backup";
                error = error == null ? gapText : error + "; " + gapText;
            }
        }
        return new WalArchivingStatus(true, lastArchived, lastArchivedAt, pending(), failing,
                error == null ? null : error + (failures.get() > 0 ? " (" + failures.get() + " failed rounds so far)" : ""),
                Durations.format(archiveTimeout));
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }
}

package io.pganalytics.server.backup;

import io.pganalytics.common.backup.BackupView;
import io.pganalytics.common.backup.RecoveryWindow;
import io.pganalytics.common.backup.RepositoryStatus;
import io.pganalytics.common.backup.RestorePlan;
import io.pganalytics.common.backup.WalArchivingStatus;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An engine of the tests' own: it writes real objects into a {@link FileStore} and real rows into the catalogue, so
 * that the service, the schedule and the API are tested without the embedded engine. A backup may be held at a gate
 * half-way (to see it running and its progress); each window is a backup's consistent point plus {@link #WINDOW}.
 */
final class FileStoreTestEngine implements BackupEngine {
    static final Duration WINDOW = Duration.ofMinutes(10);
    static final int CHUNKS = 8;
    static final int CHUNK = 256 * 1024;

    final FileStore store;
    private final BackupCatalog catalog;
    private final Clock clock;
    final AtomicInteger backupsTaken = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile CountDownLatch reachedGate = new CountDownLatch(0);

    FileStoreTestEngine(Path root, BackupCatalog catalog, Clock clock) {
        try {
            this.store = new FileStore(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.catalog = catalog;
        this.clock = clock;
    }

    /** The next backups wait half-way until {@link #release()}. */
    void hold() {
        gate = new CountDownLatch(1);
        reachedGate = new CountDownLatch(1);
    }

    void release() {
        gate.countDown();
    }

    boolean awaitHeld(Duration timeout) throws InterruptedException {
        return reachedGate.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String name() {
        return "embedded";
    }

    @Override
    public void start() {
    }

    @Override
    public String backup(String kind, String id, String requestedBy, Progress progress) {
        catalog.started(id, "embedded", kind, null, clock.instant(), "test", requestedBy);
        long total = (long) CHUNKS * CHUNK;
        try {
            progress.phase("copying files");
            store.write("backups/" + id + "/base.tar.pgab", out -> {
                byte[] chunk = new byte[CHUNK];
                for (int i = 0; i < CHUNKS; i++) {
                    java.util.Arrays.fill(chunk, (byte) i);
                    out.write(chunk);
                    progress.bytes((long) (i + 1) * CHUNK, total);
                    if (i == CHUNKS / 2) {
                        reachedGate.countDown();
                        try {
                            if (!gate.await(60, TimeUnit.SECONDS)) {
                                throw new IOException("the test never released the backup");
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException("interrupted");
                        }
                    }
                }
            });
            store.write("backups/" + id + "/manifest.json", out -> out.write(("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            catalog.failed(id, clock.instant(), e.getMessage());
            throw new BackupException("backup " + id + ": " + e.getMessage());
        }
        Instant end = clock.instant();
        catalog.completed(id, new BackupCatalog.Completion(end, end, total, total, 1, "0/1000000", "0/2000000",
                "000000010000000000000001", "000000010000000000000002", "kek keystore v1", "0".repeat(64)));
        backupsTaken.incrementAndGet();
        return id;
    }

    @Override
    public List<RecoveryWindow> windows() {
        List<RecoveryWindow> windows = new ArrayList<>();
        for (BackupView backup : catalog.complete()) {
            windows.add(new RecoveryWindow(backup.consistentAt(), backup.consistentAt().plus(WINDOW), backup.id(), 1));
        }
        return windows;
    }

    @Override
    public RestorePlan plan(Optional<Instant> to, Path target) {
        List<RecoveryWindow> windows = windows();
        if (windows.isEmpty()) {
            throw new OutsideWindowsException(to.orElse(clock.instant()), windows);
        }
        RecoveryWindow window = to.isEmpty() ? windows.getLast()
                : windows.stream().filter(w -> w.contains(to.get())).reduce((a, b) -> b)
                .orElseThrow(() -> new OutsideWindowsException(to.get(), windows));
        try (var entries = Files.exists(target) ? Files.list(target) : java.util.stream.Stream.<Path>empty()) {
            if (entries.findAny().isPresent()) {
                throw new BackupException("target " + target + " is not empty: restore into a new or empty directory");
            }
        } catch (IOException e) {
            throw new BackupException("target " + target + " cannot be read: " + e.getMessage());
        }
        return new RestorePlan(to.orElse(window.to()), to.isEmpty(), window.backupId(), window.from(), "000000010000000000000001",
                "000000010000000000000002", (long) CHUNKS * CHUNK, target.toString(), List.of("copy the base backup", "replay WAL"), List.of());
    }

    @Override
    public void restore(RestorePlan plan, Progress progress) {
        Path target = Path.of(plan.target());
        try {
            Files.createDirectories(target);
            progress.phase("copying files");
            try (InputStream in = store.read("backups/" + plan.backupId() + "/base.tar.pgab")) {
                progress.bytes(in.transferTo(OutputStream.nullOutputStream()), plan.bytesToRead());
            }
        } catch (IOException e) {
            throw new BackupException("restore into " + target + ": " + e.getMessage());
        }
        // what a restore gives: a data directory of the product's schema, which a verification starts and checks
        io.pganalytics.server.backup.verify.ProductCluster.copyInto(target);
    }

    @Override
    public Path postgresBin() {
        return io.pganalytics.server.db.TestPostgresBinaries.bin();
    }

    @Override
    public List<String> expire(int retainFull, Instant oldestKept) {
        List<BackupView> complete = new ArrayList<>(catalog.complete());
        List<String> expired = new ArrayList<>();
        while (complete.size() > retainFull && complete.getFirst().consistentAt().isBefore(oldestKept)) {
            BackupView oldest = complete.removeFirst();
            try {
                for (BackupStore.StoredObject object : store.list("backups/" + oldest.id() + "/")) {
                    store.delete(object.name());
                }
            } catch (IOException e) {
                throw new BackupException("expire " + oldest.id() + ": " + e.getMessage());
            }
            catalog.expired(oldest.id());
            expired.add(oldest.id());
        }
        return expired;
    }

    @Override
    public List<RepositoryStatus> repositories() {
        try {
            OptionalLong free = store.freeBytes();
            return List.of(new RepositoryStatus(RepositoryStatus.PRIMARY, store.kind(), store.location(), true, null,
                    free.isPresent() ? free.getAsLong() : null, null, null, null, null));
        } catch (IOException e) {
            return List.of(new RepositoryStatus(RepositoryStatus.PRIMARY, store.kind(), store.location(), false, null, null, null, null,
                    e.getMessage(), null));
        }
    }

    @Override
    public WalArchivingStatus archiving() {
        return new WalArchivingStatus(true, "000000010000000000000002", clock.instant(), 0, false, null, "60s");
    }

    @Override
    public void close() {
    }
}

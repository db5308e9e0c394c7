package io.pganalytics.collector.ship;

import io.pganalytics.collector.spool.OwnerOnly;
import io.pganalytics.collector.spool.SpooledBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * Where batches the server refused go: {@code <sequence>-<batchId>.json.gz} (the batch as sent; read it with
 * {@code zcat}) beside {@code .reason.txt} (the server's answer). Never resent automatically. Owner-only (0700 directory,
 * 0600 files: batches hold query texts). Bounded: past {@code maxBytes} or {@code maxBatches} the oldest quarantined
 * batches are deleted, and counted ({@link #droppedCount()}).
 * <p>
 * With the collector's encryption on, the batch is sealed ({@code <sequence>-<batchId>.json.gz.sealed}, bound to that
 * name): {@code pganalytics-collector keys open-quarantined --config FILE --file F | zcat} reads it.
 */
public final class Quarantine {
    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);
    private static final String PAYLOAD_SUFFIX = ".json.gz";
    public static final String SEALED_PAYLOAD_SUFFIX = ".json.gz.sealed";
    private static final String REASON_SUFFIX = ".reason.txt";
    /** The most batches kept, whatever their size. */
    public static final int DEFAULT_MAX_BATCHES = 1000;

    private final Path directory;
    private final long maxBytes;
    private final int maxBatches;
    private final Clock clock;
    private final BiFunction<String, byte[], byte[]> sealer;
    private final AtomicLong quarantined = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    public Quarantine(Path directory, long maxBytes, Clock clock) {
        this(directory, maxBytes, DEFAULT_MAX_BATCHES, clock);
    }

    public Quarantine(Path directory, long maxBytes, int maxBatches, Clock clock) {
        this(directory, maxBytes, maxBatches, clock, null);
    }

    /**
     * @param sealer seals a refused batch's payload for the file base name it is given ({@code <sequence>-<batchId>});
     *               null keeps it as it is
     */
    public Quarantine(Path directory, long maxBytes, int maxBatches, Clock clock, BiFunction<String, byte[], byte[]> sealer) {
        this.directory = directory;
        this.maxBytes = maxBytes;
        this.maxBatches = Math.max(1, maxBatches);
        this.clock = clock;
        this.sealer = sealer;
    }

    public Path directory() {
        return directory;
    }

    /** Batches quarantined since start. */
    public long quarantinedCount() {
        return quarantined.get();
    }

    /** Quarantined batches deleted (or never kept) to stay within the bounds, since start. */
    public long droppedCount() {
        return dropped.get();
    }

    public synchronized void put(SpooledBatch batch, int status, String serverMessage) throws IOException {
        quarantined.incrementAndGet();
        if (batch.payload().length > maxBytes) {
            dropped.incrementAndGet();
            LOG.warn("quarantine {}: batch {} ({} bytes) is larger than the quarantine ({} bytes); not kept",
                    directory, batch.batchId(), batch.payload().length, maxBytes);
            return;
        }
        OwnerOnly.directory(directory);
        String base = String.format("%020d-%s", batch.sequence(), batch.batchId().replaceAll("[^A-Za-z0-9._-]", "_"));
        String reason = "status: " + status + "\nmessage: " + serverMessage + "\ntarget: " + batch.targetKey()
                + "\nbatchId: " + batch.batchId() + "\ncreatedAt: " + batch.createdAt()
                + "\nquarantinedAt: " + clock.instant() + "\n";
        if (sealer == null) {
            writeAtomically(directory.resolve(base + PAYLOAD_SUFFIX), batch.payload());
        } else {
            writeAtomically(directory.resolve(base + SEALED_PAYLOAD_SUFFIX), sealer.apply(base, batch.payload()));
        }
        writeAtomically(directory.resolve(base + REASON_SUFFIX), reason.getBytes(StandardCharsets.UTF_8));
        enforceBound();
    }

    private void enforceBound() throws IOException {
        List<Path> payloads;
        try (Stream<Path> listing = Files.list(directory)) {
            payloads = new ArrayList<>(listing.filter(p -> p.getFileName().toString().endsWith(PAYLOAD_SUFFIX)
                            || p.getFileName().toString().endsWith(SEALED_PAYLOAD_SUFFIX))
                    .sorted(Comparator.comparing(Path::getFileName)).toList());
        }
        long total = 0;
        for (Path payload : payloads) {
            total += Files.size(payload) + sizeIfExists(reasonOf(payload));
        }
        int deleted = 0;
        while ((total > maxBytes || payloads.size() > maxBatches) && !payloads.isEmpty()) {
            Path oldest = payloads.removeFirst();
            total -= Files.size(oldest) + sizeIfExists(reasonOf(oldest));
            Files.deleteIfExists(oldest);
            Files.deleteIfExists(reasonOf(oldest));
            deleted++;
        }
        if (deleted > 0) {
            long droppedSoFar = dropped.addAndGet(deleted);
            LOG.warn("quarantine {}: deleted the {} oldest quarantined batches to stay within {} bytes and {} batches "
                    + "({} deleted since start)", directory, deleted, maxBytes, maxBatches, droppedSoFar);
        }
    }

    private static Path reasonOf(Path payload) {
        return payload.resolveSibling(baseName(payload.getFileName().toString()) + REASON_SUFFIX);
    }

    /** {@code <sequence>-<batchId>} of a quarantined payload's file name (what a sealed one is bound to). */
    public static String baseName(String fileName) {
        String suffix = fileName.endsWith(SEALED_PAYLOAD_SUFFIX) ? SEALED_PAYLOAD_SUFFIX : PAYLOAD_SUFFIX;
        return fileName.endsWith(suffix) ? fileName.substring(0, fileName.length() - suffix.length()) : fileName;
    }

    private static long sizeIfExists(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        OwnerOnly.write(temp, bytes);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}

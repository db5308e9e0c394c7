package io.pganalytics.collector.ship;

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
import java.util.stream.Stream;

/**
 * Where batches the server refused go: {@code <sequence>-<batchId>.json.gz} (the batch as sent; read it with
 * {@code zcat}) beside {@code .reason.txt} (the server's answer). Never resent automatically. Bounded: past
 * {@code maxBytes} the oldest quarantined batches are deleted.
 */
public final class Quarantine {
    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);
    private static final String PAYLOAD_SUFFIX = ".json.gz";
    private static final String REASON_SUFFIX = ".reason.txt";

    private final Path directory;
    private final long maxBytes;
    private final Clock clock;
    private final AtomicLong quarantined = new AtomicLong();

    public Quarantine(Path directory, long maxBytes, Clock clock) {
        this.directory = directory;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    public Path directory() {
        return directory;
    }

    /** Batches quarantined since start. */
    public long quarantinedCount() {
        return quarantined.get();
    }

    public synchronized void put(SpooledBatch batch, int status, String serverMessage) throws IOException {
        quarantined.incrementAndGet();
        if (batch.payload().length > maxBytes) {
            LOG.warn("quarantine {}: batch {} ({} bytes) is larger than the quarantine ({} bytes); not kept",
                    directory, batch.batchId(), batch.payload().length, maxBytes);
            return;
        }
        Files.createDirectories(directory);
        String base = String.format("%020d-%s", batch.sequence(), batch.batchId().replaceAll("[^A-Za-z0-9._-]", "_"));
        String reason = "status: " + status + "\nmessage: " + serverMessage + "\ntarget: " + batch.targetKey()
                + "\nbatchId: " + batch.batchId() + "\ncreatedAt: " + batch.createdAt()
                + "\nquarantinedAt: " + clock.instant() + "\n";
        writeAtomically(directory.resolve(base + PAYLOAD_SUFFIX), batch.payload());
        writeAtomically(directory.resolve(base + REASON_SUFFIX), reason.getBytes(StandardCharsets.UTF_8));
        enforceBound();
    }

    private void enforceBound() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = new ArrayList<>(listing.filter(p -> p.getFileName().toString().endsWith(PAYLOAD_SUFFIX)
                    || p.getFileName().toString().endsWith(REASON_SUFFIX)).sorted(Comparator.comparing(Path::getFileName)).toList());
        }
        long total = 0;
        for (Path file : files) {
            total += Files.size(file);
        }
        while (total > maxBytes && !files.isEmpty()) {
            Path oldest = files.removeFirst();
            total -= Files.size(oldest);
            Files.deleteIfExists(oldest);
            LOG.info("quarantine {}: deleted {} to stay within {} bytes", directory, oldest.getFileName(), maxBytes);
        }
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(temp, bytes);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}

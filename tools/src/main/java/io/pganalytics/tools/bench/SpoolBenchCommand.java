package io.pganalytics.tools.bench;

import io.pganalytics.collector.cli.CommandLine;
import io.pganalytics.collector.cli.UsageException;
import io.pganalytics.collector.crypto.CollectorEncryption;
import io.pganalytics.collector.crypto.EncryptionSettings;
import io.pganalytics.collector.spool.PayloadCodec;
import io.pganalytics.collector.spool.Spool;
import io.pganalytics.collector.spool.SpoolSettings;
import io.pganalytics.collector.spool.SpooledBatch;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code spool-bench}: the spool's throughput with encryption off and on, in one run, on the same disk: N records of a
 * given size appended (each forced to disk, as the agent does), then read and acknowledged, in a fresh spool per mode.
 * Payloads are random bytes (incompressible, like the gzip batches the agent spools).
 */
public final class SpoolBenchCommand {
    public static final String USAGE = """
            spool-bench [--records N] [--record-bytes B] [--rounds R] [--work-dir DIR]
              Appends N records of B bytes (default 2000 of 16384) to a fresh spool with encryption off, then on (a key
              store with a generated passphrase in the work directory), R rounds alternating (default 2), then reads and
              acknowledges them, and prints records/s and MB/s for each (write, read), then the sealing codec alone (no
              disk). Exit status 0 when every record read back intact. docs/BENCHMARKS.md has the figures.""";

    private SpoolBenchCommand() {
    }

    /** One mode's figures. */
    record Result(String mode, int records, int recordBytes, double writeSeconds, double readSeconds) {
        String line() {
            double megabytes = (double) records * recordBytes / (1024 * 1024);
            return String.format(Locale.ROOT, "%-8s write %,10.0f records/s %8.1f MB/s   read %,10.0f records/s %8.1f MB/s",
                    mode, records / writeSeconds, megabytes / writeSeconds, records / readSeconds, megabytes / readSeconds);
        }
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        CommandLine line = CommandLine.parse("spool-bench", args, Set.of("records", "record-bytes", "rounds", "work-dir"), Set.of());
        int records = line.integer("records", 2000, 1, 10_000_000);
        int recordBytes = line.integer("record-bytes", 16_384, 1, 16 * 1024 * 1024);
        int rounds = line.integer("rounds", 2, 1, 100);
        try {
            Path work = line.path("work-dir").isPresent() ? line.path("work-dir").get() : Files.createTempDirectory("spool-bench");
            out.printf(Locale.ROOT, "spool-bench: %d records of %d bytes, each forced to disk, in %s%n", records, recordBytes, work);
            EncryptionSettings settings = EncryptionSettings.defaults(work.resolve("state"));
            try (CollectorEncryption encryption = CollectorEncryption.open(settings, Map.of(), new SecureRandom())) {
                for (int round = 1; round <= rounds; round++) {
                    out.println(measure("plain", work.resolve("plain-" + round), PayloadCodec.PLAIN, records, recordBytes).line());
                    out.println(measure("sealed", work.resolve("sealed-" + round), encryption.spoolCodec(), records, recordBytes).line());
                }
                out.println(codecOnly(encryption.spoolCodec(), records, recordBytes).line());
            }
            if (line.path("work-dir").isEmpty()) {
                delete(work);
            }
            return 0;
        } catch (IOException | IllegalStateException e) {
            err.println("spool-bench: " + e.getMessage());
            return 1;
        }
    }

    static Result measure(String mode, Path directory, PayloadCodec codec, int records, int recordBytes) throws IOException {
        SecureRandom random = new SecureRandom();
        byte[] payload = new byte[recordBytes];
        random.nextBytes(payload);
        long segmentBytes = Math.max(4L * (recordBytes + 1024), 16L * 1024 * 1024);
        SpoolSettings settings = new SpoolSettings(directory, Math.max(4 * segmentBytes, (long) records * (recordBytes + 1024) * 2),
                segmentBytes);
        Clock clock = Clock.systemUTC();
        long writeStart = System.nanoTime();
        try (Spool spool = Spool.open(settings, codec, clock)) {
            for (int i = 0; i < records; i++) {
                spool.append("bench", UUID.randomUUID().toString(), Instant.now(), payload);
            }
        }
        long writeNanos = System.nanoTime() - writeStart;
        long readStart = System.nanoTime();
        int read = 0;
        try (Spool spool = Spool.open(settings, codec, clock)) {
            for (Optional<SpooledBatch> next = spool.next(); next.isPresent(); next = spool.next()) {
                if (next.get().payload().length != recordBytes) {
                    throw new IllegalStateException(mode + ": record " + next.get().sequence() + " read back with "
                            + next.get().payload().length + " bytes, not " + recordBytes);
                }
                spool.acknowledge(next.get().sequence());
                read++;
            }
        }
        long readNanos = System.nanoTime() - readStart;
        if (read != records) {
            throw new IllegalStateException(mode + ": read back " + read + " of " + records + " records");
        }
        return new Result(mode, records, recordBytes, writeNanos / 1e9, readNanos / 1e9);
    }

    /** The sealing codec alone, in memory: what encryption costs without the disk. */
    static Result codecOnly(PayloadCodec codec, int records, int recordBytes) throws IOException {
        byte[] payload = new byte[recordBytes];
        new SecureRandom().nextBytes(payload);
        byte[][] sealed = new byte[records][];
        long sealStart = System.nanoTime();
        for (int i = 0; i < records; i++) {
            sealed[i] = codec.encode(new PayloadCodec.RecordAddress(i, "bench", "batch-" + i), payload);
        }
        long sealNanos = System.nanoTime() - sealStart;
        long openStart = System.nanoTime();
        try {
            for (int i = 0; i < records; i++) {
                if (codec.decode(codec.id(), new PayloadCodec.RecordAddress(i, "bench", "batch-" + i), sealed[i]).length != recordBytes) {
                    throw new IllegalStateException("codec: record " + i + " opened to another length");
                }
            }
        } catch (PayloadCodec.UnreadablePayloadException e) {
            throw new IOException("codec: " + e.getMessage(), e);
        }
        long openNanos = System.nanoTime() - openStart;
        return new Result("codec", records, recordBytes, sealNanos / 1e9, openNanos / 1e9);
    }

    private static void delete(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}

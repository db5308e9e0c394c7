package io.pganalytics.collector.spool;

import io.pganalytics.collector.ship.Quarantine;
import io.pganalytics.collector.testing.Samples;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Everything the collector writes beside the spool holds query texts: owner-only, whatever the umask. */
@Tag("fault-and-attack")
class OwnerOnlyFilesTest {
    @TempDir
    Path dir;

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static List<Path> everything(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.toList();
        }
    }

    @Test
    void theDataDirSpoolSegmentsCursorAndQuarantineAreCreatedOwnerOnly() throws Exception {
        Path home = dir.resolve("home/collector");
        Path spoolDir = home.resolve("spool");
        try (Spool spool = Spool.open(new SpoolSettings(spoolDir, 1 << 20, 64 * 1024), PayloadCodec.PLAIN, Clock.systemUTC())) {
            long first = spool.append("a", "batch-0000", Instant.now(), Samples.gzipJson(Samples.batch("a", 0, 1)));
            spool.append("a", "batch-0001", Instant.now(), Samples.gzipJson(Samples.batch("a", 1, 1)));
            spool.acknowledge(first);
            Quarantine quarantine = new Quarantine(spoolDir.resolve("quarantine"), 1 << 20, Clock.systemUTC());
            SpooledBatch refused = spool.next().orElseThrow();
            quarantine.put(refused, 422, "refused");
        }
        assertEquals("rwx------", mode(home), "the data directory");
        for (Path path : everything(spoolDir)) {
            assertEquals(Files.isDirectory(path) ? "rwx------" : "rw-------", mode(path), path.toString());
        }
        try (Stream<Path> quarantined = Files.list(spoolDir.resolve("quarantine"))) {
            assertEquals(2, quarantined.count());
        }
        assertFalse(everything(spoolDir).stream().noneMatch(p -> p.getFileName().toString().startsWith("segment-")));
        assertFalse(everything(spoolDir).stream().noneMatch(p -> p.getFileName().toString().equals("ack-cursor")));
    }

    @Test
    void anExistingSpoolOpenToOtherAccountsIsMadeOwnerOnly() throws Exception {
        Path spoolDir = dir.resolve("spool");
        try (Spool spool = Spool.open(new SpoolSettings(spoolDir, 1 << 20, 64 * 1024), PayloadCodec.PLAIN, Clock.systemUTC())) {
            long first = spool.append("a", "batch-0000", Instant.now(), Samples.gzipJson(Samples.batch("a", 0, 1)));
            spool.append("a", "batch-0001", Instant.now(), Samples.gzipJson(Samples.batch("a", 1, 1)));
            spool.acknowledge(first);
        }
        for (Path path : everything(spoolDir)) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxrwxrwx" : "rw-rw-rw-"));
        }
        try (Spool spool = Spool.open(new SpoolSettings(spoolDir, 1 << 20, 64 * 1024), PayloadCodec.PLAIN, Clock.systemUTC())) {
            assertEquals(1, spool.stats().pendingBatches(), "recovered as before");
        }
        for (Path path : everything(spoolDir)) {
            assertEquals(Files.isDirectory(path) ? "rwx------" : "rw-------", mode(path), path.toString());
        }
    }
}

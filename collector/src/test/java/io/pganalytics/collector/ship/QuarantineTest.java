package io.pganalytics.collector.ship;

import io.pganalytics.collector.spool.SpooledBatch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Tag("fault-and-attack")
class QuarantineTest {
    @TempDir
    Path dir;

    private static SpooledBatch batch(long sequence, int bytes) {
        return new SpooledBatch(sequence, "a", "batch-" + sequence, Instant.EPOCH, new byte[bytes]);
    }

    private List<String> names(Quarantine quarantine) throws Exception {
        try (Stream<Path> files = Files.list(quarantine.directory())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json.gz")).sorted().toList();
        }
    }

    @Test
    void pastItsCountTheOldestQuarantinedBatchesAreDeletedAndCounted() throws Exception {
        Quarantine quarantine = new Quarantine(dir.resolve("q"), 1 << 20, 2, Clock.systemUTC());
        for (long i = 1; i <= 5; i++) {
            quarantine.put(batch(i, 100), 422, "refused");
        }
        assertEquals(List.of(String.format("%020d-batch-4.json.gz", 4), String.format("%020d-batch-5.json.gz", 5)), names(quarantine));
        assertEquals(5, quarantine.quarantinedCount());
        assertEquals(3, quarantine.droppedCount());
        try (Stream<Path> files = Files.list(quarantine.directory())) {
            assertEquals(4, files.count(), "each kept batch with its reason, nothing else");
        }
    }

    @Test
    void pastItsSizeTheOldestAreDeletedAndABatchLargerThanTheWholeQuarantineIsNotKept() throws Exception {
        Quarantine quarantine = new Quarantine(dir.resolve("q"), 2_500, 100, Clock.systemUTC());
        quarantine.put(batch(1, 1000), 400, "refused");
        quarantine.put(batch(2, 1000), 400, "refused");
        quarantine.put(batch(3, 1000), 400, "refused");
        assertEquals(List.of(String.format("%020d-batch-2.json.gz", 2), String.format("%020d-batch-3.json.gz", 3)), names(quarantine));
        assertEquals(1, quarantine.droppedCount());
        quarantine.put(batch(4, 5000), 400, "too big to keep");
        assertEquals(4, quarantine.quarantinedCount());
        assertEquals(2, quarantine.droppedCount());
        assertEquals(2, names(quarantine).size());
    }
}

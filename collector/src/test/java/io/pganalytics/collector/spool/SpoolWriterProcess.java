package io.pganalytics.collector.spool;

import io.pganalytics.collector.testing.Samples;
import io.pganalytics.common.wire.MetricBatch;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The child JVM of {@link SpoolCrashRecoveryTest}: appends batches to a spool in a tight loop until it is killed.
 * Markers count up from 0, so the parent can check that what it recovers is a gapless prefix.
 */
public final class SpoolWriterProcess {
    private SpoolWriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        Spool spool = Spool.open(new SpoolSettings(Path.of(args[0]), 1L << 30, 256 * 1024), PayloadCodec.PLAIN,
                Clock.systemUTC());
        for (long marker = 0; ; marker++) {
            MetricBatch batch = Samples.batch(marker % 3 == 0 ? "a" : "b", marker, ThreadLocalRandom.current().nextInt(0, 300));
            spool.append(batch.snapshots().getFirst().target().name(), batch.batchId(), batch.createdAt(),
                    Samples.gzipJson(batch));
        }
    }
}

package io.pganalytics.tools.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerHistogramTest {
    private static String exposition(long a, long b, long c, long inf) {
        return """
                # TYPE pganalytics_ingest_batch_seconds histogram
                pganalytics_ingest_batch_seconds_bucket{le="0.1"} %d
                pganalytics_ingest_batch_seconds_bucket{le="0.25"} %d
                pganalytics_ingest_batch_seconds_bucket{le="0.5"} %d
                pganalytics_ingest_batch_seconds_bucket{le="+Inf"} %d
                pganalytics_ingest_batch_seconds_sum 12.5
                pganalytics_ingest_batch_seconds_count %d
                pganalytics_ingest_rows_total{family="database"} 7
                """.formatted(a, b, c, inf, inf);
    }

    @Test
    void aPhaseIsTheDifferenceOfTwoReadingsAndItsQuantilesAreInterpolatedInTheirBucket() {
        ServerHistogram before = ServerHistogram.parse(exposition(10, 10, 10, 10), ServerHistogram.INGEST);
        ServerHistogram after = ServerHistogram.parse(exposition(60, 108, 110, 110), ServerHistogram.INGEST);
        ServerHistogram phase = after.since(before);
        assertEquals(100, phase.count());
        assertEquals(98.0, phase.percentAtMost(0.25), 1e-9);
        assertEquals(100.0, phase.quantileMillis(0.50), 1e-9, "the 50th of 50 under 0.1 s: the bucket's top");
        assertEquals(50.0, phase.quantileMillis(0.25), 1e-9, "halfway through the first bucket");
        assertEquals(100 + 150 * (45.0 / 48), phase.quantileMillis(0.95), 1e-9);
        assertEquals(250 + 250 * 0.5, phase.quantileMillis(0.99), 1e-9);
    }

    @Test
    void beyondTheLastFiniteBucketTheQuantileIsThatBoundAndAnEmptyPhaseHasNone() {
        ServerHistogram phase = ServerHistogram.parse(exposition(0, 0, 0, 5), ServerHistogram.INGEST);
        assertEquals(500.0, phase.quantileMillis(0.99), 1e-9);
        assertTrue(Double.isNaN(ServerHistogram.parse("", ServerHistogram.INGEST).quantileMillis(0.5)));
    }
}

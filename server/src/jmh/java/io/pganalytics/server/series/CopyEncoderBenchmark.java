package io.pganalytics.server.series;

import io.pganalytics.tools.simulate.SyntheticInstance;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** COPY text encoding of one interval's 201 pg_stat_statements rows (32 columns each) with the instance prefix. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CopyEncoderBenchmark {
    private final Family family = MetricCatalog.STATEMENTS;
    private final List<List<Object>> rows = new ArrayList<>();
    private final Instant collectedAt = Instant.now();

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 201; i++) {
            rows.add(SyntheticInstance.row(family, i, collectedAt, random));
        }
    }

    @Benchmark
    public byte[] encodeStatements() {
        CopyEncoder encoder = new CopyEncoder();
        for (List<Object> row : rows) {
            encoder.startRow().value(collectedAt).value(60.0);
            for (Object value : row) {
                switch (value) {
                    case null -> encoder.nullValue();
                    case Long l -> encoder.value(l.longValue());
                    case Double d -> encoder.value(d.doubleValue());
                    case Boolean b -> encoder.value(b.booleanValue());
                    default -> encoder.text(value.toString());
                }
            }
            encoder.endRow();
        }
        return encoder.withPrefix("4242");
    }
}

package io.pganalytics.collector.delta;

import io.pganalytics.common.catalog.Column;
import io.pganalytics.common.catalog.ColumnRole;
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

/**
 * Delta computation of one pg_stat_statements sample of 5,000 statements (the default pg_stat_statements.max)
 * against the previous one: 64 successive cumulative samples are prepared, fed in turn (the tracker starts over
 * after the last, which is one baseline in 64).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DeltaTrackerBenchmark {
    private static final int KEYS = 5_000;
    private static final int SAMPLES = 64;
    private final Family family = MetricCatalog.STATEMENTS;
    private final List<List<List<Object>>> samples = new ArrayList<>();
    private final Instant start = Instant.parse("2026-11-21T00:00:00Z");
    private DeltaTracker tracker;
    private int next;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(11);
        List<List<Object>> current = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            current.add(row(i, random));
        }
        for (int s = 0; s < SAMPLES; s++) {
            List<List<Object>> sample = new ArrayList<>(KEYS);
            for (List<Object> row : current) {
                List<Object> grown = new ArrayList<>(row);
                for (int c = 0; c < family.columns().size(); c++) {
                    Column column = family.columns().get(c);
                    if (column.role() == ColumnRole.COUNTER && grown.get(c) instanceof Long l) {
                        grown.set(c, l + random.nextInt(0, 100));
                    } else if (column.role() == ColumnRole.COUNTER && grown.get(c) instanceof Double d) {
                        grown.set(c, d + random.nextDouble(0, 100));
                    }
                }
                sample.add(grown);
            }
            samples.add(sample);
            current = sample;
        }
        tracker = DeltaTracker.countingNewKeysFromZero(family, 0);
    }

    /**
     * A cumulative pg_stat_statements row in catalogue column order: keys follow {@code index}, counters start small.
     * (The tools' SyntheticInstance makes whole instances; the agent's module cannot depend on the tools.)
     */
    private List<Object> row(int index, SplittableRandom random) {
        List<Object> row = new ArrayList<>(family.columns().size());
        for (Column column : family.columns()) {
            boolean key = column.role() == ColumnRole.KEY;
            row.add(switch (column.type()) {
                case TEXT -> key ? column.name() + "_" + index : "SELECT * FROM app.table_" + (index % 50) + " WHERE id = $1";
                case INT8 -> key ? (long) index + 1 : (long) random.nextInt(0, 5_000);
                case FLOAT8 -> Math.round(random.nextDouble(0, 10_000) * 1000) / 1000.0;
                case BOOL -> key || random.nextInt(10) > 0;
                case TIMESTAMPTZ -> start.minusSeconds(86_400L + index).toString();
            });
        }
        return row;
    }

    @Benchmark
    public DeltaTracker.Delta statements5000() {
        if (next == SAMPLES) {
            next = 0;
            tracker.reset();
        }
        int s = next++;
        return tracker.next(start.plusSeconds(60L * s), samples.get(s));
    }
}

package io.pganalytics.collector.health;

import io.pganalytics.collector.schedule.SnapshotSink;
import io.pganalytics.collector.ship.LatencyHistogram;
import io.pganalytics.collector.ship.Shipper;
import io.pganalytics.collector.ship.ShipperStats;
import io.pganalytics.collector.spool.Spool;
import io.pganalytics.collector.spool.SpoolBatcher;
import io.pganalytics.collector.spool.SpoolStats;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.wire.Snapshot;
import io.pganalytics.common.wire.TargetRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Builds the {@code collector_health} snapshots and publishes them every {@code interval}: one per monitored target
 * (probed at least once), holding that target's families' timings and the collector-wide row about the spool and
 * shipping, so that the server files health under the instance it concerns and the collector's heartbeat can be read
 * from any of them. Targets never reached yet have no snapshot: their failures are in the log.
 * <p>
 * Rows are filled by column name and projected onto the catalogue's columns, so columns the catalogue adds later
 * ({@code spool_bytes}, {@code gaps}...) are filled as soon as they exist. Counts in the {@code collector} row are
 * totals since the collector started; the send latency is the 95th percentile since the previous report.
 */
public final class HealthReporter implements AutoCloseable {
    /** The key of the row about the collector as a whole (spool, shipping). */
    public static final String COLLECTOR_ROW = "collector";
    private static final Logger LOG = LoggerFactory.getLogger(HealthReporter.class);
    private static final Family FAMILY = MetricCatalog.COLLECTOR_HEALTH;

    private final Spool spool;
    private final SpoolBatcher batcher;
    private final Shipper shipper;
    private final Supplier<Map<TargetRef, List<FamilyTiming>>> timings;
    private final SnapshotSink sink;
    private final Clock clock;
    private final Duration interval;
    private final ScheduledExecutorService timer;
    private Instant previous;
    private long gapsReported;

    /**
     * @param timings the scheduler's per-family figures, per probed target
     */
    public HealthReporter(Spool spool, SpoolBatcher batcher, Shipper shipper,
                          Supplier<Map<TargetRef, List<FamilyTiming>>> timings, SnapshotSink sink, Clock clock, Duration interval) {
        this.spool = spool;
        this.batcher = batcher;
        this.shipper = shipper;
        this.timings = timings;
        this.sink = sink;
        this.clock = clock;
        this.interval = interval;
        this.previous = clock.instant();
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("health").daemon().factory());
    }

    public HealthReporter start() {
        long millis = interval.toMillis();
        timer.scheduleAtFixedRate(this::report, millis, millis, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Builds the current snapshots, one per probed target (and starts a new reporting interval). */
    public synchronized List<Snapshot> snapshots() {
        Instant now = clock.instant();
        double seconds = Math.max(0.001, Duration.between(previous, now).toMillis() / 1000.0);
        previous = now;
        List<Object> collector = project(collectorRow());
        List<Snapshot> snapshots = new ArrayList<>();
        for (Map.Entry<TargetRef, List<FamilyTiming>> target : timings.get().entrySet()) {
            List<List<Object>> rows = new ArrayList<>();
            rows.add(collector);
            for (FamilyTiming timing : target.getValue()) {
                Map<String, Object> row = new HashMap<>();
                row.put("family", timing.family());
                row.put("cycle_ms", timing.cycleMillis());
                row.put("query_ms", timing.queryMillis());
                row.put("errors", timing.errors());
                row.put("skipped_ticks", timing.skippedTicks());
                rows.add(project(row));
            }
            snapshots.add(new Snapshot(target.getKey(), FAMILY.name(), now, seconds, FAMILY.columnNames(), rows));
        }
        return snapshots;
    }

    @Override
    public void close() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
                timer.shutdownNow();
            }
        } catch (InterruptedException e) {
            timer.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void report() {
        try {
            List<Snapshot> snapshots = snapshots();
            if (!snapshots.isEmpty()) {
                sink.publish(snapshots);
            }
        } catch (RuntimeException e) {
            LOG.error("health: could not build the collector_health snapshot", e);
        }
    }

    /**
     * The collector-wide figures by name, also those the catalogue has no column for yet (restarts, quarantine_dropped);
     * without the send latency, which belongs to the reporting interval.
     */
    public synchronized Map<String, Object> collectorFigures() {
        Map<String, Object> row = new HashMap<>(collectorRow(false));
        row.values().removeIf(java.util.Objects::isNull);
        return Map.copyOf(row);
    }

    private Map<String, Object> collectorRow() {
        return collectorRow(true);
    }

    private Map<String, Object> collectorRow(boolean takeLatency) {
        SpoolStats spoolStats = spool.stats();
        ShipperStats shipping = shipper.stats();
        LatencyHistogram latency = takeLatency ? shipper.takeIntervalLatency() : null;
        if (spoolStats.gaps() > gapsReported) {
            LOG.warn("health: {} batches lost to {} spool gaps since start (latest: {})",
                    spoolStats.droppedBatches(), spoolStats.gaps(), spool.gaps().isEmpty() ? "-" : spool.gaps().getLast());
            gapsReported = spoolStats.gaps();
        }
        Map<String, Object> row = new HashMap<>();
        row.put("family", COLLECTOR_ROW);
        row.put("spool_depth", spoolStats.pendingBatches());
        row.put("spool_bytes", spoolStats.bytes());
        row.put("send_latency_ms", latency == null || latency.count() == 0 ? null : latency.percentile(0.95).toNanos() / 1e6);
        row.put("dropped_items", batcher.droppedSnapshots() + spoolStats.droppedBatches() + batcher.failedBatches());
        row.put("dropped_snapshots", batcher.droppedSnapshots());
        row.put("gaps", spoolStats.gaps());
        row.put("gap_batches", spoolStats.droppedBatches());
        row.put("quarantined", shipping.quarantined());
        long restarts = batcher.restarts() + shipper.restarts();
        row.put("restarts", restarts);
        row.put("quarantine_dropped", shipper.quarantineDropped());
        // restarts of the spool writer or the shipper count as errors until the catalogue has a column of their own
        row.put("errors", shipping.failures() + shipping.quarantined() + batcher.failedBatches() + restarts);
        return row;
    }

    private static List<Object> project(Map<String, Object> row) {
        List<Object> values = new ArrayList<>(FAMILY.columns().size());
        for (String column : FAMILY.columnNames()) {
            values.add(row.get(column));
        }
        return values;
    }
}

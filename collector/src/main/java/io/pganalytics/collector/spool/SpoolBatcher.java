package io.pganalytics.collector.spool;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.collector.schedule.SnapshotSink;
import io.pganalytics.collector.schedule.Supervisor;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.wire.MetricBatch;
import io.pganalytics.common.wire.Snapshot;
import io.pganalytics.common.wire.TargetRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.zip.GZIPOutputStream;

/**
 * The {@link SnapshotSink} in front of the spool: {@link #publish} only offers snapshots to a bounded queue
 * (and counts what does not fit), so collection never waits on the disk or the network. One writer thread
 * groups the snapshots per target into {@link MetricBatch}es, bounded in rows and snapshots and spooled after
 * at most {@code maxDelay}, as gzip JSON with a fresh idempotency key. The writer thread is supervised: an
 * unexpected error is counted ({@link #restarts()}) and the writer goes on after a backoff with what it held, or the
 * process exits when it keeps failing ({@link Supervisor}).
 */
public final class SpoolBatcher implements SnapshotSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolBatcher.class);
    private static final long POLL_MILLIS = 200;

    private final Spool spool;
    private final BatchSettings settings;
    private final String collectorVersion;
    private final Clock clock;
    private final ObjectMapper mapper = JsonMapping.newMapper();
    private final BlockingQueue<Snapshot> queue;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Thread writer;
    private final Supervisor supervisor;
    /** Snapshots taken from the queue and not yet added to a batch (kept across a restart of the writer). */
    private final ArrayDeque<Snapshot> drained = new ArrayDeque<>();
    private final AtomicLong droppedSnapshots = new AtomicLong();
    private final AtomicLong spooledBatches = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private volatile boolean stopping;

    public SpoolBatcher(Spool spool, BatchSettings settings, String collectorVersion, Clock clock) {
        this(spool, settings, collectorVersion, clock, Supervisor.Policy.DEFAULTS,
                status -> LOG.error("spool writer: cannot be kept running; no process exit hook is set"));
    }

    /**
     * @param processExit ends the process when the writer keeps failing ({@link Supervisor})
     */
    public SpoolBatcher(Spool spool, BatchSettings settings, String collectorVersion, Clock clock,
                        Supervisor.Policy supervision, IntConsumer processExit) {
        this.spool = spool;
        this.settings = settings;
        this.collectorVersion = collectorVersion;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.supervisor = new Supervisor("spool writer", supervision, processExit);
        this.writer = Thread.ofPlatform().name("spool-writer").daemon().unstarted(() -> supervisor.supervise(this::writeLoop));
    }

    public SpoolBatcher start() {
        writer.start();
        return this;
    }

    @Override
    public void publish(List<Snapshot> snapshots) {
        for (Snapshot snapshot : snapshots) {
            if (stopping || !queue.offer(snapshot)) {
                spool.listener().unspooled(List.of(snapshot));
                long dropped = droppedSnapshots.incrementAndGet();
                if (dropped == 1 || dropped % 1000 == 0) {
                    LOG.warn("spool writer: queue of {} snapshots is full or closing; {} snapshots dropped so far",
                            settings.queueCapacity(), dropped);
                }
            }
        }
    }

    /** The key that keeps a target's batches apart (and in order) in the spool. */
    public static String targetKey(TargetRef target) {
        if (target == null) {
            return "unknown";
        }
        if (target.name() != null && !target.name().isBlank()) {
            return target.name();
        }
        return target.systemIdentifier() != null ? target.systemIdentifier() : target.host() + ":" + target.port();
    }

    public long droppedSnapshots() {
        return droppedSnapshots.get();
    }

    public long spooledBatches() {
        return spooledBatches.get();
    }

    /** Batches that could not be written to the spool (disk full, a batch larger than a segment). */
    public long failedBatches() {
        return failedBatches.get();
    }

    /** Times the writer was restarted after an unexpected error, since start. */
    public long restarts() {
        return supervisor.restarts();
    }

    public int queuedSnapshots() {
        return queue.size();
    }

    /** Stops taking snapshots, spools everything queued or pending, and stops the writer. */
    @Override
    public void close() {
        stopping = true;
        if (writer.getState() == Thread.State.NEW) {
            return;
        }
        try {
            writer.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        supervisor.stop();
        if (writer.isAlive()) {
            LOG.warn("spool writer: still writing after 30 s; {} snapshots left in the queue", queue.size());
        }
    }

    /** One run of the writer: returns when stopping and everything is spooled; an unexpected error escapes to the supervisor. */
    private void writeLoop() throws InterruptedException {
        while (!stopping || !queue.isEmpty() || !drained.isEmpty()) {
            Snapshot first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            if (first != null) {
                drained.add(first);
                queue.drainTo(drained, 1000);
            }
            while (!drained.isEmpty()) {
                add(drained.pollFirst());
            }
            spoolDue(System.nanoTime());
        }
        spoolAll();
    }

    private void add(Snapshot snapshot) {
        String key = targetKey(snapshot.target());
        Pending batch = pending.computeIfAbsent(key, k -> new Pending(System.nanoTime()));
        batch.snapshots.add(snapshot);
        batch.rows += snapshot.rows().size();
        if (batch.rows >= settings.maxRows() || batch.snapshots.size() >= settings.maxSnapshots()) {
            pending.remove(key);
            spoolBatch(key, batch);
        }
    }

    private void spoolDue(long nowNanos) {
        long maxDelay = settings.maxDelay().toNanos();
        for (Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Pending> entry = it.next();
            if (nowNanos - entry.getValue().startedNanos >= maxDelay) {
                it.remove();
                spoolBatch(entry.getKey(), entry.getValue());
            }
        }
    }

    private void spoolAll() {
        for (Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Pending> entry = it.next();
            it.remove();
            spoolBatch(entry.getKey(), entry.getValue());
        }
    }

    private void spoolBatch(String key, Pending batch) {
        Instant now = clock.instant();
        MetricBatch metricBatch = new MetricBatch(MetricBatch.SCHEMA_VERSION, UUID.randomUUID().toString(),
                collectorVersion, now, batch.snapshots);
        try {
            long sequence = spool.append(key, metricBatch.batchId(), now, gzipJson(metricBatch));
            spooledBatches.incrementAndGet();
            spool.listener().spooled(sequence, batch.snapshots);
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            failedBatches.incrementAndGet();
            spool.listener().unspooled(batch.snapshots);
            LOG.error("spool writer: target {}: could not spool a batch of {} snapshots ({} rows): {}",
                    key, batch.snapshots.size(), batch.rows, e.toString());
        }
    }

    private byte[] gzipJson(MetricBatch batch) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
        try (OutputStream gzip = new GZIPOutputStream(bytes, 8192)) {
            mapper.writeValue(gzip, batch);
        }
        return bytes.toByteArray();
    }

    private static final class Pending {
        final long startedNanos;
        final List<Snapshot> snapshots = new ArrayList<>();
        int rows;

        Pending(long startedNanos) {
            this.startedNanos = startedNanos;
        }
    }
}

package io.pganalytics.tools.simulate;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.collector.ship.IngestClient;
import io.pganalytics.collector.ship.Quarantine;
import io.pganalytics.collector.ship.Shipper;
import io.pganalytics.collector.ship.ShippingSettings;
import io.pganalytics.collector.spool.DeliveryListener;
import io.pganalytics.collector.spool.PayloadCodec;
import io.pganalytics.collector.spool.Spool;
import io.pganalytics.collector.spool.SpoolSettings;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.wire.CollectorIdentity;
import io.pganalytics.common.wire.MetricBatch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/** One simulated collector: a synthetic instance feeding a real spool, drained by a real shipper. */
final class SimulatedCollector implements AutoCloseable {
    private final String name;
    private final SyntheticInstance instance;
    private final Spool spool;
    private final Shipper shipper;
    private final Clock clock;
    private final String version;
    private final ObjectMapper mapper = JsonMapping.newMapper();
    private final AtomicLong generated = new AtomicLong();
    private final AtomicLong spoolErrors = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private final String collectorId;
    /** Batches (id and sample time) by spool sequence until the server acknowledged them; then in {@link #acknowledged}. */
    private final NavigableMap<Long, Spooled> unacknowledged = new TreeMap<>();
    private final List<AcknowledgedBatch> acknowledged = new ArrayList<>();
    private long deliveredUpTo;

    SimulatedCollector(String name, CollectorIdentity identity, SyntheticInstance instance, URI server, HttpClient http,
                       Path workDir, long spoolMaxBytes, ShippingSettings shipping, Clock clock, String version,
                       long seed) throws IOException {
        this.name = name;
        this.instance = instance;
        this.clock = clock;
        this.version = version;
        Path spoolDir = workDir.resolve(name);
        this.spool = Spool.open(new SpoolSettings(spoolDir, spoolMaxBytes, spoolMaxBytes / 4), PayloadCodec.PLAIN, clock);
        this.collectorId = identity.collectorId();
        spool.listener(new DeliveryListener() {
            @Override
            public void delivered(long sequence) {
                acknowledgedUpTo(sequence);
            }

            @Override
            public void lost(long fromSequence, long toSequence) {
                synchronized (unacknowledged) {
                    unacknowledged.subMap(fromSequence, true, toSequence, true).clear();
                }
            }
        });
        String credential = identity.credential();
        IngestClient client = new IngestClient(http, server, () -> credential, shipping.requestTimeout(), version, clock);
        this.shipper = new Shipper(name, spool, client, new Quarantine(spoolDir.resolve("quarantine"),
                shipping.quarantineMaxBytes(), clock), shipping, new SplittableRandom(seed), Thread.ofVirtual());
    }

    SimulatedCollector start() {
        shipper.start();
        return this;
    }

    /** Collects one interval and spools it as one batch, as the real batcher does for one target. */
    void tick(double intervalSeconds) {
        Instant now = clock.instant();
        MetricBatch batch = new MetricBatch(MetricBatch.SCHEMA_VERSION, UUID.randomUUID().toString(), version, now,
                instance.collect(now, intervalSeconds));
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 * 1024);
            try (OutputStream gzip = new GZIPOutputStream(bytes, 8192)) {
                mapper.writeValue(gzip, batch);
            }
            long sequence = spool.append(instance.target().name(), batch.batchId(), now, bytes.toByteArray());
            synchronized (unacknowledged) {
                unacknowledged.put(sequence, new Spooled(batch.batchId(), now));
                if (sequence <= deliveredUpTo) {
                    acknowledgedUpTo(deliveredUpTo);  // acknowledged before it was recorded here
                }
            }
            generated.incrementAndGet();
            rows.addAndGet(batch.snapshots().stream().mapToLong(s -> s.rows().size()).sum());
        } catch (IOException | RuntimeException e) {
            spoolErrors.incrementAndGet();
        }
    }

    private void acknowledgedUpTo(long sequence) {
        synchronized (unacknowledged) {
            deliveredUpTo = Math.max(deliveredUpTo, sequence);
            NavigableMap<Long, Spooled> done = unacknowledged.headMap(sequence, true);
            Instant at = clock.instant();
            done.values().forEach(b -> acknowledged.add(new AcknowledgedBatch(collectorId, name, b.batchId(), b.sampleTime(), at)));
            done.clear();
        }
    }

    /** Every batch the server acknowledged (stored, or answered as a duplicate of a stored one), as {@code collectorId batchId}. */
    List<String> acknowledgedBatches() {
        synchronized (unacknowledged) {
            return acknowledged.stream().map(b -> collectorId + " " + b.batchId()).toList();
        }
    }

    /** Every batch the server acknowledged so far, with its sample time, oldest first. */
    List<AcknowledgedBatch> acknowledged() {
        synchronized (unacknowledged) {
            return List.copyOf(acknowledged);
        }
    }

    /** A spooled batch not yet acknowledged: its id and its samples' time (every snapshot of a tick has the same). */
    private record Spooled(String batchId, Instant sampleTime) {
    }

    String name() {
        return name;
    }

    long generated() {
        return generated.get();
    }

    /** Rows of every batch spooled so far. */
    long rows() {
        return rows.get();
    }

    long spoolErrors() {
        return spoolErrors.get();
    }

    Spool spool() {
        return spool;
    }

    Shipper shipper() {
        return shipper;
    }

    @Override
    public void close() throws IOException {
        shipper.close();
        spool.close();
    }
}

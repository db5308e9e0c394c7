package io.pganalytics.collector.simulate;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.collector.ship.IngestClient;
import io.pganalytics.collector.ship.Quarantine;
import io.pganalytics.collector.ship.Shipper;
import io.pganalytics.collector.ship.ShippingSettings;
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

    SimulatedCollector(String name, CollectorIdentity identity, SyntheticInstance instance, URI server, HttpClient http,
                       Path workDir, long spoolMaxBytes, ShippingSettings shipping, Clock clock, String version,
                       long seed) throws IOException {
        this.name = name;
        this.instance = instance;
        this.clock = clock;
        this.version = version;
        Path spoolDir = workDir.resolve(name);
        this.spool = Spool.open(new SpoolSettings(spoolDir, spoolMaxBytes, spoolMaxBytes / 4), PayloadCodec.PLAIN, clock);
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
            spool.append(instance.target().name(), batch.batchId(), now, bytes.toByteArray());
            generated.incrementAndGet();
            rows.addAndGet(batch.snapshots().stream().mapToLong(s -> s.rows().size()).sum());
        } catch (IOException | RuntimeException e) {
            spoolErrors.incrementAndGet();
        }
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

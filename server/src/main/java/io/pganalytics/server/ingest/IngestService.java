package io.pganalytics.server.ingest;

import com.hazelcast.map.IMap;
import io.pganalytics.common.wire.IngestAck;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.Caller;
import io.pganalytics.server.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The ingest's rules: drop duplicates the cluster remembers before anything costly, take a place on this node or
 * answer 429, read and decode the body under that place (no connection held), wait for a writer's group commit or
 * answer 429, remember the batch id, answer, then tell the listeners.
 */
final class IngestService {
    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);

    private final IngestConfig config;
    private final BatchDecoder decoder;
    private final GroupCommitter committer;
    private final Admission admission;
    private final IMap<String, String> recentBatches;
    private final List<IngestListener> listeners;
    private final Clock clock;
    private final MetricsRegistry.Counter batches;
    private final MetricsRegistry.Counter rows;
    private final MetricsRegistry.Histogram latency;

    IngestService(IngestConfig config, BatchDecoder decoder, GroupCommitter committer, Admission admission,
                  IMap<String, String> recentBatches, List<IngestListener> listeners, Clock clock, MetricsRegistry metrics) {
        this.config = config;
        this.decoder = decoder;
        this.committer = committer;
        this.admission = admission;
        this.recentBatches = recentBatches;
        this.listeners = List.copyOf(listeners);
        this.clock = clock;
        this.batches = metrics.counter("pganalytics_ingest_batches_total", "ingest requests by outcome", "result");
        this.rows = metrics.counter("pganalytics_ingest_rows_total", "rows written by family", "family");
        this.latency = metrics.histogram("pganalytics_ingest_batch_seconds", "time from a batch's arrival to its acknowledgement",
                MetricsRegistry.latencyBuckets());
        metrics.gauge("pganalytics_ingest_admitted_batches", "batches admitted on this node: being read, waiting or written",
                admission::admitted);
        metrics.gauge("pganalytics_ingest_admitted_bytes", "inflated bytes of the batches admitted on this node",
                admission::admittedBytes);
    }

    IngestAck ingest(Caller collector, java.io.InputStream body, String idempotencyKey) {
        long start = System.nanoTime();
        try {
            IngestAck ack = ingestOnce(collector, body, idempotencyKey);
            batches.inc(ack.duplicate() ? "duplicate" : "stored");
            return ack;
        } catch (ApiException e) {
            batches.inc(e.type() == io.pganalytics.common.api.ErrorType.RATE_LIMITED ? "busy" : "rejected");
            if (e.type() != io.pganalytics.common.api.ErrorType.RATE_LIMITED) {
                LOG.info("ingest: collector {} ({}): batch refused: {}", collector.id(), collector.name(), e.getMessage());
            }
            throw e;
        } finally {
            latency.observe((System.nanoTime() - start) / 1e9);
        }
    }

    private IngestAck ingestOnce(Caller collector, java.io.InputStream body, String idempotencyKey) {
        if (idempotencyKey != null) {
            Optional<IngestAck> known = remembered(idempotencyKey);
            if (known.isPresent()) {
                return known.get();
            }
        }
        DecodedBatch batch;
        IngestWriter.Result result;
        Instant receivedAt;
        try (Admission.Place place = admission.admit()) {
            receivedAt = clock.instant();
            batch = decoder.decode(place.meter(body));
            if (idempotencyKey != null && !idempotencyKey.equals(batch.batchId())) {
                throw ApiException.invalid("Idempotency-Key", "the header '" + idempotencyKey + "' differs from the batch's batchId '"
                        + batch.batchId() + "'");
            }
            if (idempotencyKey == null) {
                Optional<IngestAck> known = remembered(batch.batchId());
                if (known.isPresent()) {
                    return known.get();
                }
            }
            result = committer.write(new IngestWriter.Pending(batch, collector.id(), receivedAt), config.queueWait())
                    .orElseThrow(() -> admission.busy("no writer was free within " + config.queueWait()
                            + " (ingest.queue-wait): retry this batch later"));
            admission.written();
            recentBatches.set(batch.batchId(), AcceptedCounts.format(result.accepted()),
                    config.idempotencyCacheTtl().toSeconds(), TimeUnit.SECONDS);
        } catch (SQLException e) {
            LOG.warn("ingest: collector {}: the database refused a batch: {}", collector.id(), e.getMessage());
            throw ApiException.unavailable("the batch could not be stored now: retry later", Duration.ofSeconds(5));
        }
        if (result.duplicate()) {
            return new IngestAck(batch.batchId(), true, result.accepted());
        }
        result.accepted().forEach((family, count) -> rows.add(count, family));
        notifyListeners(collector, batch, receivedAt, result);
        return new IngestAck(batch.batchId(), false, result.accepted());
    }

    private Optional<IngestAck> remembered(String batchId) {
        String counts = recentBatches.get(batchId);
        if (counts != null) {
            return Optional.of(new IngestAck(batchId, true, AcceptedCounts.parse(counts)));
        }
        return Optional.empty();
    }

    private void notifyListeners(Caller collector, DecodedBatch batch, Instant receivedAt, IngestWriter.Result result) {
        if (listeners.isEmpty()) {
            return;
        }
        List<InstanceUpdate> updates = new ArrayList<>();
        result.instanceIds().forEach((part, id) -> updates.add(new InstanceUpdate(id, part.target().name(), part.latest(),
                part.families().keySet().stream().map(f -> f.name()).toList(), part.figures().figures(), part.figures().waits())));
        StoredBatch stored = new StoredBatch(collector.id(), batch.collectorVersion(), batch.batchId(), receivedAt,
                result.accepted(), updates);
        for (IngestListener listener : listeners) {
            try {
                listener.stored(stored);
            } catch (RuntimeException e) {
                LOG.warn("ingest: listener {} failed for batch {}: {}", listener.getClass().getSimpleName(), batch.batchId(), e.toString());
            }
        }
    }
}

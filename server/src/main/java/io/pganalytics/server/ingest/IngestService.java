package io.pganalytics.server.ingest;

import com.hazelcast.map.IMap;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.wire.IngestAck;
import io.pganalytics.server.cluster.ClusterCalls;
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
 * answer 429 (503 past ingest.commit-wait), answer, then run the post-commit work: tell the listeners (live stream,
 * query cache) and remember the batch id in the cluster.
 * <p>
 * After the commit nothing can turn the acknowledgement into a failure: the durable record of the batch is its
 * {@code ingest_batch} row, written in the same transaction. A post-commit step that fails (the cluster is unreachable)
 * is logged and counted, and the batch id is then not remembered in the cluster, so that a retry reaches the database,
 * is recognised there as stored before, and runs the post-commit work again. A lookup in the cluster that fails is
 * treated as "not remembered": the database decides.
 */
final class IngestService {
    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);

    private final IngestConfig config;
    private final BatchDecoder decoder;
    private final GroupCommitter committer;
    private final Admission admission;
    private final IMap<String, String> recentBatches;
    /** Each look-up and write of the cluster's memory waits at most {@code cluster.request-wait}: the database decides. */
    private final ClusterCalls calls;
    private final List<IngestListener> listeners;
    private final Clock clock;
    private final MetricsRegistry.Counter batches;
    private final MetricsRegistry.Counter rows;
    private final MetricsRegistry.Counter postCommitFailures;
    private final MetricsRegistry.Counter clusterLookupFailures;
    private final MetricsRegistry.Counter foreignInstances;
    private final MetricsRegistry.Histogram latency;

    IngestService(IngestConfig config, BatchDecoder decoder, GroupCommitter committer, Admission admission,
                  IMap<String, String> recentBatches, List<IngestListener> listeners, Clock clock, MetricsRegistry metrics) {
        this(config, decoder, committer, admission, recentBatches, new ClusterCalls(java.time.Duration.ofSeconds(1)), listeners,
                clock, metrics);
    }

    IngestService(IngestConfig config, BatchDecoder decoder, GroupCommitter committer, Admission admission,
                  IMap<String, String> recentBatches, ClusterCalls calls, List<IngestListener> listeners, Clock clock,
                  MetricsRegistry metrics) {
        this.config = config;
        this.decoder = decoder;
        this.committer = committer;
        this.admission = admission;
        this.recentBatches = recentBatches;
        this.calls = calls;
        this.listeners = List.copyOf(listeners);
        this.clock = clock;
        this.batches = metrics.counter("pganalytics_ingest_batches_total", "ingest requests by outcome", "result");
        this.rows = metrics.counter("pganalytics_ingest_rows_total", "rows written by family", "family");
        this.postCommitFailures = metrics.counter("pganalytics_ingest_post_commit_failures_total",
                "post-commit steps of acknowledged batches that failed (the batch is stored; its retry runs them again)", "step");
        this.clusterLookupFailures = metrics.counter("pganalytics_ingest_cluster_lookup_failures_total",
                "batch id lookups in the cluster's memory that failed (the database decided instead)");
        this.foreignInstances = metrics.counter("pganalytics_ingest_foreign_instance_refusals_total",
                "batches refused (409) because they carried an instance another collector owns");
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
            batches.inc(e.type() == ErrorType.RATE_LIMITED ? "busy" : e.type() == ErrorType.CONFLICT ? "foreign_instance" : "rejected");
            if (e.type() != ErrorType.RATE_LIMITED) {
                LOG.info("ingest: collector {} ({}): batch refused: {}", collector.id(), collector.name(), e.getMessage());
            }
            throw e;
        } finally {
            latency.observe((System.nanoTime() - start) / 1e9);
        }
    }

    private IngestAck ingestOnce(Caller collector, java.io.InputStream body, String idempotencyKey) {
        if (idempotencyKey != null) {
            Optional<IngestAck> known = remembered(collector, idempotencyKey);
            if (known.isPresent()) {
                return known.get();
            }
        }
        DecodedBatch batch;
        IngestWriter.Result result;
        Instant receivedAt;
        try (Admission.Place place = admission.admit(collector.id())) {
            receivedAt = clock.instant();
            batch = decoder.decode(place.meter(body));
            if (idempotencyKey != null && !idempotencyKey.equals(batch.batchId())) {
                throw ApiException.invalid("Idempotency-Key", "the header '" + idempotencyKey + "' differs from the batch's batchId '"
                        + batch.batchId() + "'");
            }
            if (idempotencyKey == null) {
                Optional<IngestAck> known = remembered(collector, batch.batchId());
                if (known.isPresent()) {
                    return known.get();
                }
            }
            result = committer.write(new IngestWriter.Pending(batch, collector.id(), receivedAt), config.queueWait(), config.commitWait())
                    .orElseThrow(() -> admission.busy("no writer was free within " + config.queueWait()
                            + " (ingest.queue-wait): retry this batch later"));
            admission.written();
        } catch (SQLException e) {
            throw refusal(collector, e);
        }
        // committed (or refused whole): from here on nothing may fail the answer
        switch (result.outcome()) {
            case FORBIDDEN -> {
                foreignInstances.inc();
                throw ApiException.conflict("collector " + collector.id() + " may not write this batch: " + result.refusal());
            }
            case COPY -> {
                return new IngestAck(batch.batchId(), true, result.accepted());
            }
            case STORED -> result.accepted().forEach((family, count) -> rows.add(count, family));
            case STORED_BEFORE -> LOG.debug("ingest: collector {}: batch {} was stored before: running its post-commit work again",
                    collector.id(), batch.batchId());
        }
        if (notifyListeners(collector, batch, receivedAt, result)) {
            remember(collector, batch.batchId(), result.accepted());
        }
        return new IngestAck(batch.batchId(), result.duplicate(), result.accepted());
    }

    /**
     * What to answer when the database did not store the batch: 400 when it refused the data itself (a value it cannot
     * hold, a constraint), which the same batch would meet again; otherwise 503 with Retry-After.
     */
    private static ApiException refusal(Caller collector, SQLException e) {
        if (IngestWriter.refusesTheData(e)) {
            String reason = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            return ApiException.invalid("batch", "the database refused to store it (SQLState " + e.getSQLState() + ": "
                    + reason + "); it would be refused again");
        }
        LOG.warn("ingest: collector {}: the database could not store a batch (SQLState {}): {}", collector.id(), e.getSQLState(),
                e.getMessage());
        return ApiException.unavailable("the batch could not be stored now: retry later", Duration.ofSeconds(5));
    }

    private static String key(Caller collector, String batchId) {
        return collector.id() + "/" + batchId;
    }

    private Optional<IngestAck> remembered(Caller collector, String batchId) {
        String counts;
        try {
            counts = calls.await("look up batch " + batchId, recentBatches.getAsync(key(collector, batchId)));
        } catch (RuntimeException e) {
            // the cluster's memory is a shortcut: without it the database recognises a duplicate
            clusterLookupFailures.inc();
            LOG.debug("ingest: looking up batch {} in the cluster failed: {}", batchId, e.toString());
            return Optional.empty();
        }
        if (counts != null) {
            return Optional.of(new IngestAck(batchId, true, AcceptedCounts.parse(counts)));
        }
        return Optional.empty();
    }

    private void remember(Caller collector, String batchId, java.util.Map<String, Integer> accepted) {
        try {
            calls.await("remember batch " + batchId, recentBatches.setAsync(key(collector, batchId), AcceptedCounts.format(accepted),
                    config.idempotencyCacheTtl().toSeconds(), TimeUnit.SECONDS));
        } catch (RuntimeException e) {
            // Hazelcast throws unchecked exceptions of many kinds; the batch is stored and its id is in the database
            postCommitFailures.inc("remember");
            LOG.warn("ingest: batch {} of collector {} is stored, but remembering its id in the cluster failed: {}",
                    batchId, collector.id(), e.toString());
        }
    }

    /** Tells every listener; true when all of them succeeded. */
    private boolean notifyListeners(Caller collector, DecodedBatch batch, Instant receivedAt, IngestWriter.Result result) {
        if (listeners.isEmpty()) {
            return true;
        }
        List<InstanceUpdate> updates = new ArrayList<>();
        result.instanceIds().forEach((part, id) -> updates.add(new InstanceUpdate(id, part.target().name(), part.latest(),
                part.families().keySet().stream().map(f -> f.name()).toList(), part.figures().figures(), part.figures().waits())));
        StoredBatch stored = new StoredBatch(collector.id(), batch.collectorVersion(), batch.batchId(), receivedAt,
                result.accepted(), updates);
        boolean all = true;
        for (IngestListener listener : listeners) {
            try {
                listener.stored(stored);
            } catch (RuntimeException e) {
                all = false;
                postCommitFailures.inc("listener");
                LOG.warn("ingest: batch {} of collector {} is stored, but listener {} failed: {}", batch.batchId(), collector.id(),
                        listener.getClass().getSimpleName(), e.toString());
            }
        }
        return all;
    }
}

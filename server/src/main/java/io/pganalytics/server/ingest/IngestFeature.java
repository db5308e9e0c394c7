package io.pganalytics.server.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.metrics.MetricsRegistry;
import io.pganalytics.server.series.Partitions;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/** The ingest, wired: its routes, its listeners and its writers (closing it lets them finish what is queued). */
public final class IngestFeature implements AutoCloseable {
    /** Batch ids acknowledged recently, shared by every node (the durable record is the {@code ingest_batch} table). */
    public static final String RECENT_BATCHES = "pga.ingest-recent-batches";

    private final IngestRoutes routes;
    private final GroupCommitter committer;
    private final Partitions partitions;
    private final IngestCalls calls;

    public IngestFeature(IngestConfig config, DataSource dataSource, TimeSeriesDialect dialect, HazelcastInstance hazelcast,
                         JsonBodies bodies, ObjectMapper mapper, MetricsRegistry metrics, Clock clock, List<IngestListener> listeners,
                         io.pganalytics.server.crypto.Sealer textSealer, io.pganalytics.server.crypto.Sealer settingSealer,
                         io.pganalytics.server.audit.AuditLog audit,
                         java.time.Duration auditWindow) {
        this.partitions = new Partitions(config.lockTimeout());
        IngestWriter writer = new IngestWriter(dataSource, dialect, partitions, config, metrics, textSealer, settingSealer);
        this.committer = GroupCommitter.start(writer, config.writers(), config.groupMaxBatches(), config.groupMaxRows(), metrics);
        IngestService service = new IngestService(config, new BatchDecoder(config, mapper, clock), committer,
                new Admission(config.writers() + config.queueCapacity(), config.maxPlacesPerCollector(), config.maxAdmittedBytes(),
                        config.maxDecompressedBytes()),
                hazelcast.getMap(RECENT_BATCHES), io.pganalytics.server.cluster.ClusterCalls.of(hazelcast), listeners, clock, metrics);
        this.calls = new IngestCalls(audit, auditWindow, clock);
        this.routes = new IngestRoutes(service, bodies, config.maxCompressedBytes(), calls);
    }

    /** The member's settings for this feature's map: apply them before the member starts (see ClusterModule.start). */
    public static Consumer<com.hazelcast.config.Config> clusterConfig(IngestConfig config) {
        return hz -> hz.addMapConfig(new MapConfig(RECENT_BATCHES)
                .setTimeToLiveSeconds((int) Math.min(Integer.MAX_VALUE, config.idempotencyCacheTtl().toSeconds()))
                .setEvictionConfig(new EvictionConfig()
                        .setEvictionPolicy(EvictionPolicy.LRU)
                        .setMaxSizePolicy(MaxSizePolicy.PER_NODE)
                        .setSize(config.idempotencyCacheSize())));
    }

    public List<ApiService> routes() {
        return List.of(routes);
    }

    @Override
    public void close() {
        committer.close();
        calls.close();
    }

    /** The partitions this node's ingest knows to exist, for maintenance to forget those it drops. */
    public Partitions partitions() {
        return partitions;
    }
}

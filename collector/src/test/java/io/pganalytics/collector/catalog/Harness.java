package io.pganalytics.collector.catalog;

import io.pganalytics.collector.host.HostCollectors;
import io.pganalytics.collector.postgres.EmbeddedPostgresVersions.Instance;
import io.pganalytics.collector.probe.Capabilities;
import io.pganalytics.collector.probe.Probe;
import io.pganalytics.collector.target.ConnectionSettings;
import io.pganalytics.collector.target.QueryTimer;
import io.pganalytics.collector.target.TargetConnections;
import io.pganalytics.collector.target.TargetSpec;
import io.pganalytics.common.wire.Snapshot;
import io.pganalytics.common.wire.TargetRef;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Drives a target's collectors by hand, the way the scheduler would, against a real PostgreSQL. */
final class Harness implements AutoCloseable {
    final TargetConnections connections;
    final Capabilities capabilities;
    final Map<String, FamilyCollector> collectors = new LinkedHashMap<>();
    final TargetRef ref;

    Harness(Instance instance, String name) throws SQLException {
        this(instance.target(name));
    }

    Harness(TargetSpec spec) throws SQLException {
        this(spec, new QueryTextLedger(QueryTextLedger.DEFAULT_MAX_KEYS, CatalogSettings.DEFAULTS.textResendAfter()));
    }

    Harness(TargetSpec spec, QueryTextLedger texts) throws SQLException {
        this.connections = new TargetConnections(spec, new ConnectionSettings(Duration.ofSeconds(5), Duration.ofSeconds(20),
                Duration.ofSeconds(2), Duration.ofSeconds(30)));
        this.capabilities = Probe.run(connections, Duration.ofSeconds(10), Clock.systemUTC());
        this.ref = new TargetRef(capabilities.systemIdentifier(), spec.name(), spec.host(), spec.port());
        for (FamilyCollector collector : FamilyCollectors.create(spec, CatalogSettings.DEFAULTS, texts)) {
            collectors.put(collector.family().name(), collector);
        }
        for (FamilyCollector collector : HostCollectors.create(spec)) {
            collectors.put(collector.family().name(), collector);
        }
    }

    List<Snapshot> collect(String family) throws SQLException, IOException {
        FamilyCollector collector = collectors.get(family);
        return collector.collect(new CollectContext(ref, capabilities, connections, Clock.systemUTC(), Duration.ofSeconds(20),
                new QueryTimer()));
    }

    /** Every available family once; returns the snapshots by family name. */
    Map<String, List<Snapshot>> collectAll() throws SQLException, IOException {
        Map<String, List<Snapshot>> out = new LinkedHashMap<>();
        for (FamilyCollector collector : collectors.values()) {
            if (collector.availability(capabilities).available()) {
                for (Snapshot snapshot : collect(collector.family().name())) {
                    out.computeIfAbsent(snapshot.family(), k -> new ArrayList<>()).add(snapshot);
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        connections.close();
    }
}

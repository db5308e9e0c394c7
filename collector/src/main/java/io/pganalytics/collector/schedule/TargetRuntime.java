package io.pganalytics.collector.schedule;

import io.pganalytics.collector.catalog.Lane;
import io.pganalytics.collector.probe.Capabilities;
import io.pganalytics.collector.target.TargetConnections;
import io.pganalytics.collector.target.TargetSpec;
import io.pganalytics.common.wire.TargetRef;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/** A target's live state in the scheduler: its connections, capabilities, lanes and backoff. */
final class TargetRuntime {
    final TargetSpec spec;
    final TargetConnections connections;
    final Map<Lane, SerialLane> lanes = new EnumMap<>(Lane.class);
    final Backoff backoff;
    final AtomicBoolean probing = new AtomicBoolean();
    volatile Capabilities capabilities;
    volatile TargetRef ref;
    volatile String lastProbeError;

    TargetRuntime(TargetSpec spec, TargetConnections connections, Executor workers, Backoff backoff) {
        this.spec = spec;
        this.connections = connections;
        this.backoff = backoff;
        for (Lane lane : Lane.values()) {
            lanes.put(lane, new SerialLane(workers));
        }
    }
}

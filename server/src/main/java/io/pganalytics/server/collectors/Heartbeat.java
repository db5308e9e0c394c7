package io.pganalytics.server.collectors;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.pganalytics.common.collectors.CollectorHeartbeat;

import java.io.IOException;
import java.time.Instant;

/**
 * A collector's latest heartbeat as the Hazelcast map {@value Heartbeats#MAP} holds it. Unknown numbers are stored
 * as {@link Long#MIN_VALUE}. A Hazelcast {@link DataSerializable}, never Java serialization.
 */
public final class Heartbeat implements DataSerializable {
    private static final long UNKNOWN = Long.MIN_VALUE;

    private long lastSeenMillis;
    private String collectorVersion;
    private long spoolDepthBatches;
    private long errors;

    /** For Hazelcast, which reads the fields with {@link #readData}. */
    public Heartbeat() {
    }

    Heartbeat(Instant lastSeen, String collectorVersion, Long spoolDepthBatches, Long errors) {
        this.lastSeenMillis = lastSeen.toEpochMilli();
        this.collectorVersion = collectorVersion == null ? "" : collectorVersion;
        this.spoolDepthBatches = spoolDepthBatches == null ? UNKNOWN : spoolDepthBatches;
        this.errors = errors == null ? UNKNOWN : errors;
    }

    Instant lastSeen() {
        return Instant.ofEpochMilli(lastSeenMillis);
    }

    /** The version, or null when the collector did not say. */
    String collectorVersion() {
        return collectorVersion.isEmpty() ? null : collectorVersion;
    }

    Long spoolDepthBatches() {
        return spoolDepthBatches == UNKNOWN ? null : spoolDepthBatches;
    }

    Long errors() {
        return errors == UNKNOWN ? null : errors;
    }

    CollectorHeartbeat view() {
        return new CollectorHeartbeat(lastSeen(), collectorVersion(), spoolDepthBatches(), errors());
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(lastSeenMillis);
        out.writeString(collectorVersion);
        out.writeLong(spoolDepthBatches);
        out.writeLong(errors);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        lastSeenMillis = in.readLong();
        String version = in.readString();
        collectorVersion = version == null ? "" : version;
        spoolDepthBatches = in.readLong();
        errors = in.readLong();
    }

    @Override
    public String toString() {
        return "Heartbeat[lastSeen=" + lastSeen() + ", version=" + collectorVersion + ", spool=" + spoolDepthBatches() + ", errors=" + errors() + "]";
    }
}

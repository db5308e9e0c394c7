package io.pganalytics.server.anomaly;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The expected bands of one round's scored points, written as one batch: each point sets element {@code minute + 1}
 * of its hour's row in {@code anomaly_band} (created with 60 nulls); the last point of a minute wins.
 */
final class BandWriter {
    private static final String INSERT = """
            INSERT INTO anomaly_band (instance_id, series, hour, expected, lower_bound, upper_bound)
            VALUES (?, ?, ?, array_fill(NULL::real, ARRAY[60]), array_fill(NULL::real, ARRAY[60]), array_fill(NULL::real, ARRAY[60]))
            ON CONFLICT (instance_id, series, hour) DO NOTHING""";
    private static final String UPDATE = """
            UPDATE anomaly_band SET expected[?] = ?, lower_bound[?] = ?, upper_bound[?] = ?
            WHERE instance_id = ? AND series = ? AND hour = ?""";

    private record Key(long instanceId, String series, long minute) {
    }

    private record Band(float expected, float lower, float upper) {
    }

    private final Map<Key, Band> pending = new LinkedHashMap<>();

    /** Keeps a scored point's band (a band that is not finite is not kept). */
    void add(long instanceId, String series, long epochSecond, double expected, double lower, double upper) {
        if (!Double.isFinite(expected) || !Double.isFinite(lower) || !Double.isFinite(upper)) {
            return;
        }
        pending.put(new Key(instanceId, series, Math.floorDiv(epochSecond, 60)), new Band((float) expected, (float) lower, (float) upper));
    }

    int size() {
        return pending.size();
    }

    /** Writes what was kept, in the caller's transaction, and forgets it. */
    int flush(Connection c) throws SQLException {
        if (pending.isEmpty()) {
            return 0;
        }
        try (PreparedStatement insert = c.prepareStatement(INSERT); PreparedStatement update = c.prepareStatement(UPDATE)) {
            Map<Key, Boolean> hours = new LinkedHashMap<>();
            for (Map.Entry<Key, Band> e : pending.entrySet()) {
                Key k = e.getKey();
                Timestamp hour = Timestamp.from(Instant.ofEpochSecond(Math.floorDiv(k.minute, 60) * 3600));
                if (hours.putIfAbsent(new Key(k.instanceId, k.series, Math.floorDiv(k.minute, 60)), true) == null) {
                    insert.setLong(1, k.instanceId);
                    insert.setString(2, k.series);
                    insert.setTimestamp(3, hour);
                    insert.addBatch();
                }
                int element = (int) Math.floorMod(k.minute, 60) + 1;
                Band b = e.getValue();
                update.setInt(1, element);
                update.setFloat(2, b.expected());
                update.setInt(3, element);
                update.setFloat(4, b.lower());
                update.setInt(5, element);
                update.setFloat(6, b.upper());
                update.setLong(7, k.instanceId);
                update.setString(8, k.series);
                update.setTimestamp(9, hour);
                update.addBatch();
            }
            insert.executeBatch();
            update.executeBatch();
        }
        int written = pending.size();
        pending.clear();
        return written;
    }

    void clear() {
        pending.clear();
    }
}

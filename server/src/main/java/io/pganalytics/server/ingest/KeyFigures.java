package io.pganalytics.server.ingest;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures a dashboard shows first, computed from a batch as it is decoded (no query afterwards): transactions
 * per second, connections, cache hit ratio, longest transaction, replication lag, deadlocks, waits, host CPU and
 * memory. Rates use every database snapshot of the batch; gauges come from the latest snapshot of their family.
 * Only figures the batch carries are present.
 */
final class KeyFigures {
    private double commits;
    private double rollbacks;
    private double databaseSeconds;
    private double blocksHit;
    private double blocksRead;
    private double deadlocks;
    private double conflicts;
    private double tempBytes;
    private final Map<String, Map<String, Double>> groups = new LinkedHashMap<>();
    private final Map<String, Instant> groupAt = new HashMap<>();
    private final Map<String, Long> waits = new TreeMap<>();
    private Instant waitsAt = Instant.EPOCH;

    void databaseSnapshot(double intervalSeconds) {
        databaseSeconds += intervalSeconds;
    }

    void databaseRow(double commit, double rollback, double hit, double read, double deadlock, double conflict, double temp) {
        commits += commit;
        rollbacks += rollback;
        blocksHit += hit;
        blocksRead += read;
        deadlocks += deadlock;
        conflicts += conflict;
        tempBytes += temp;
    }

    /** Starts a family's snapshot: returns false (ignore it) when a later snapshot of that family was already seen. */
    boolean begin(String group, Instant at) {
        Instant previous = groupAt.get(group);
        if (previous != null && previous.isAfter(at)) {
            return false;
        }
        if (previous == null || at.isAfter(previous)) {
            groups.put(group, new LinkedHashMap<>());
            groupAt.put(group, at);
        }
        return true;
    }

    void set(String group, String name, double value) {
        groups.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(name, value);
    }

    void add(String group, String name, double value) {
        groups.computeIfAbsent(group, g -> new LinkedHashMap<>()).merge(name, value, Double::sum);
    }

    void max(String group, String name, double value) {
        groups.computeIfAbsent(group, g -> new LinkedHashMap<>()).merge(name, value, Math::max);
    }

    void waits(Instant at, String event, long backends) {
        if (at.isBefore(waitsAt)) {
            return;
        }
        if (at.isAfter(waitsAt)) {
            waits.clear();
            waitsAt = at;
        }
        waits.merge(event, backends, Long::sum);
    }

    Map<String, Double> figures() {
        Map<String, Double> figures = new LinkedHashMap<>();
        if (databaseSeconds > 0) {
            figures.put("tps", (commits + rollbacks) / databaseSeconds);
            figures.put("commits_per_second", commits / databaseSeconds);
            figures.put("rollbacks_per_second", rollbacks / databaseSeconds);
            figures.put("deadlocks", deadlocks);
            figures.put("conflicts", conflicts);
            figures.put("temp_bytes_per_second", tempBytes / databaseSeconds);
            if (blocksHit + blocksRead > 0) {
                figures.put("cache_hit_ratio", blocksHit / (blocksHit + blocksRead));
            }
        }
        groups.values().forEach(figures::putAll);
        return figures;
    }

    /** Backends waiting per event ({@code Lock:transactionid}) at the batch's last wait sample. */
    Map<String, Long> waits() {
        return waits;
    }
}

package io.pganalytics.collector.catalog;

import io.pganalytics.collector.probe.Capabilities;
import io.pganalytics.common.catalog.ColumnType;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.wire.Snapshot;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.pganalytics.common.catalog.ColumnType.FLOAT8;
import static io.pganalytics.common.catalog.ColumnType.INT8;
import static io.pganalytics.common.catalog.ColumnType.TEXT;

/**
 * Blocking chains: reads every waiting backend with its {@code pg_blocking_pids}, plus the backends blocking
 * them, and follows each chain to its root (a blocker that waits on nobody).
 */
final class LocksCollector implements FamilyCollector {
    private static final List<ColumnType> RAW = List.of(INT8, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, FLOAT8, FLOAT8, INT8);
    private static final int MAX_DEPTH = 100;

    @Override
    public Family family() {
        return MetricCatalog.LOCKS;
    }

    @Override
    public Lane lane() {
        return Lane.INSTANCE;
    }

    @Override
    public Availability availability(Capabilities caps) {
        if (!caps.privileges().seesAllStats()) {
            return Availability.partial("blocking chains (pg_blocking_pids)", "other roles' sessions show without "
                    + "details: GRANT pg_monitor TO " + caps.user());
        }
        return Availability.yes("blocking chains (pg_blocking_pids" + (caps.major() >= 14 ? ", pg_locks.waitstart)" : ")"));
    }

    @Override
    public List<Snapshot> collect(CollectContext context) throws SQLException {
        SqlVariant variant = Queries.LOCKS.stream().filter(v -> v.fits(context.capabilities())).findFirst()
                .orElseThrow(() -> new MissingCapabilityException("locks: no query for this version"));
        Instant at = context.clock().instant();
        List<List<Object>> raw = context.connections().onInstance(context.queryTimeout(), context.timer(),
                session -> session.query(variant.sql(), RAW));
        return List.of(Snapshots.of(context.target(), MetricCatalog.LOCKS, at, null, chains(raw)));
    }

    /** Rows of the locks family from raw rows (pid, datname, usename, app, state, wait type, wait, blockers, xact s, wait s, query id). */
    static List<List<Object>> chains(List<List<Object>> raw) {
        Map<Long, List<Object>> byPid = new HashMap<>();
        Map<Long, List<Long>> blockers = new HashMap<>();
        for (List<Object> row : raw) {
            long pid = (Long) row.get(0);
            byPid.put(pid, row);
            blockers.put(pid, parsePids((String) row.get(7)));
        }
        List<List<Object>> out = new ArrayList<>();
        for (List<Object> row : raw) {
            long pid = (Long) row.get(0);
            List<Long> direct = blockers.get(pid);
            if (direct.isEmpty()) {
                continue;
            }
            long root = pid;
            int depth = 0;
            Set<Long> seen = new HashSet<>();
            while (seen.add(root) && depth < MAX_DEPTH) {
                List<Long> next = blockers.getOrDefault(root, List.of());
                if (next.isEmpty()) {
                    break;
                }
                root = next.getFirst();
                depth++;
            }
            List<Object> rootRow = byPid.get(root);
            List<Object> lock = new ArrayList<>();
            lock.add(pid);
            lock.add(row.get(1));
            lock.add(row.get(2));
            lock.add(row.get(3));
            lock.add(row.get(5));
            lock.add(row.get(6));
            lock.add(row.get(7));
            lock.add(root);
            lock.add(rootRow == null ? null : rootRow.get(4));
            lock.add(rootRow == null ? null : rootRow.get(3));
            lock.add(row.get(10));
            lock.add(row.get(9));
            lock.add((long) depth);
            lock.add(rootRow == null ? null : rootRow.get(8));
            out.add(lock);
        }
        return out;
    }

    private static List<Long> parsePids(String text) {
        List<Long> pids = new ArrayList<>();
        if (text != null) {
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    pids.add(Long.parseLong(part.strip()));
                }
            }
        }
        return pids;
    }
}

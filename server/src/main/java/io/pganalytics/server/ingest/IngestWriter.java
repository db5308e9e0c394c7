package io.pganalytics.server.ingest;

import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.inventory.InventoryWriter;
import io.pganalytics.server.metrics.MetricsRegistry;
import io.pganalytics.server.series.CopyEncoder;
import io.pganalytics.server.series.Partitions;
import io.pganalytics.server.series.SeriesSchema;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a group of decoded batches in one transaction: their durable idempotency records first (sorted by id, so
 * that concurrent groups wait on shared keys in the same order; a batch whose record exists already is a duplicate
 * and is not written), the inventory (one upsert per distinct instance), then one COPY per family for every batch of
 * the group, in catalogue order (so that concurrent groups take table locks in the same order), query texts once per
 * (instance, database, queryid) through a staging table. Partitions are made sure of before the transaction, in their
 * own.
 */
final class IngestWriter {
    private static final String STAGING = "pga_statement_texts_in";

    private final DataSource dataSource;
    private final TimeSeriesDialect dialect;
    private final InventoryWriter inventory = new InventoryWriter();
    private final Partitions partitions;
    private final MetricsRegistry.Histogram copySeconds;

    IngestWriter(DataSource dataSource, TimeSeriesDialect dialect, Partitions partitions, MetricsRegistry metrics) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.partitions = partitions;
        this.copySeconds = metrics.histogram("pganalytics_ingest_copy_seconds", "time spent in COPY per group transaction",
                MetricsRegistry.latencyBuckets());
    }

    /** A decoded batch to write, from whom and when it arrived. */
    record Pending(DecodedBatch batch, String collectorId, Instant receivedAt) {
    }

    /** One batch's outcome: written (with its instances' ids), or a duplicate of a batch stored before (with its counts). */
    record Result(boolean duplicate, Map<String, Integer> accepted, Map<DecodedBatch.TargetPart, Long> instanceIds) {
    }

    /**
     * Writes the group in one transaction and returns each batch's result, in the group's order. A batch id that
     * appears twice in the group is written once: the later copy is answered as a duplicate of the first.
     */
    List<Result> write(List<Pending> group) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (dialect == TimeSeriesDialect.PLAIN) {
                ensurePartitions(connection, group);
            }
            connection.setAutoCommit(false);
            try {
                List<Result> results = transaction(connection, group);
                connection.commit();
                return results;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }

    /**
     * Whether a failed group transaction is worth writing again batch by batch: the failure is one batch's data's (a
     * constraint, a trigger, a deadlock, a timeout) rather than the database's being out of reach or out of resources,
     * where every retry would fail the same way, each after its own wait.
     */
    static boolean mayConcernOneBatch(SQLException e) {
        if (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException) {
            return false;
        }
        String state = e.getSQLState();
        return state != null && !state.startsWith("08") && !state.startsWith("53") && !state.startsWith("57P")
                && !state.startsWith("58");
    }

    private List<Result> transaction(Connection connection, List<Pending> group) throws SQLException {
        Map<String, Pending> firsts = new LinkedHashMap<>();
        for (Pending pending : group) {
            firsts.putIfAbsent(pending.batch().batchId(), pending);
        }
        Map<String, Map<String, Integer>> counts = new HashMap<>();
        firsts.forEach((id, pending) -> counts.put(id, pending.batch().rowsPerFamily()));
        Set<String> recorded = recordBatches(connection, firsts.values(), counts);
        Map<String, Map<String, Integer>> earlier = new HashMap<>();
        if (recorded.size() < firsts.size()) {
            earlier = storedCounts(connection, firsts.keySet().stream().filter(id -> !recorded.contains(id)).toList());
        }
        List<Pending> written = firsts.values().stream().filter(p -> recorded.contains(p.batch().batchId())).toList();
        Map<InventoryWriter.Address, Long> ids = inventory.register(connection, sightings(written));
        copyFamilies(connection, written, ids);

        List<Result> results = new ArrayList<>(group.size());
        for (Pending pending : group) {
            String id = pending.batch().batchId();
            if (!recorded.contains(id)) {
                results.add(new Result(true, earlier.getOrDefault(id, Map.of()), Map.of()));
            } else if (firsts.get(id) != pending) {
                results.add(new Result(true, counts.get(id), Map.of()));
            } else {
                Map<DecodedBatch.TargetPart, Long> instances = new LinkedHashMap<>();
                pending.batch().targets().forEach(part -> instances.put(part, ids.get(InventoryWriter.Address.of(part.target()))));
                results.add(new Result(false, counts.get(id), instances));
            }
        }
        return results;
    }

    private void ensurePartitions(Connection connection, List<Pending> group) throws SQLException {
        for (Pending pending : group) {
            for (DecodedBatch.TargetPart part : pending.batch().targets()) {
                for (Map.Entry<Family, Set<Instant>> entry : part.times().entrySet()) {
                    if (entry.getKey() == MetricCatalog.STATEMENT_TEXTS) {
                        continue;
                    }
                    for (Instant at : entry.getValue()) {
                        partitions.ensure(connection, entry.getKey(), SeriesSchema.Resolution.RAW, at);
                    }
                }
            }
        }
    }

    /** Inserts the batches' idempotency records; returns the ids inserted (the others were stored before). */
    private static Set<String> recordBatches(Connection connection, Iterable<Pending> batches, Map<String, Map<String, Integer>> counts)
            throws SQLException {
        List<Pending> sorted = new ArrayList<>();
        batches.forEach(sorted::add);
        sorted.sort(Comparator.comparing(p -> p.batch().batchId()));
        int n = sorted.size();
        String[] ids = new String[n];
        String[] collectors = new String[n];
        String[] received = new String[n];
        Integer[] rows = new Integer[n];
        String[] accepted = new String[n];
        for (int i = 0; i < n; i++) {
            DecodedBatch batch = sorted.get(i).batch();
            ids[i] = batch.batchId();
            collectors[i] = sorted.get(i).collectorId();
            received[i] = sorted.get(i).receivedAt().toString();
            rows[i] = batch.rows();
            accepted[i] = AcceptedCounts.format(counts.get(batch.batchId()));
        }
        try (PreparedStatement ps = connection.prepareStatement("""
                INSERT INTO ingest_batch (batch_id, collector_id, received_at, row_count, accepted)
                SELECT b.batch_id, b.collector_id, b.received_at, b.row_count, b.accepted
                FROM unnest(?::text[], ?::text[], ?::timestamptz[], ?::int4[], ?::text[]) WITH ORDINALITY
                    AS b(batch_id, collector_id, received_at, row_count, accepted, position)
                ORDER BY b.position
                ON CONFLICT (batch_id) DO NOTHING
                RETURNING batch_id""")) {
            ps.setArray(1, connection.createArrayOf("text", ids));
            ps.setArray(2, connection.createArrayOf("text", collectors));
            ps.setArray(3, connection.createArrayOf("text", received));
            ps.setArray(4, connection.createArrayOf("int4", rows));
            ps.setArray(5, connection.createArrayOf("text", accepted));
            Set<String> inserted = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getString(1));
                }
            }
            return inserted;
        }
    }

    /** The counts stored batches were acknowledged with, for their duplicates' answers. */
    private static Map<String, Map<String, Integer>> storedCounts(Connection connection, List<String> batchIds) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT batch_id, accepted FROM ingest_batch WHERE batch_id = ANY (?)")) {
            ps.setArray(1, connection.createArrayOf("text", batchIds.toArray()));
            Map<String, Map<String, Integer>> counts = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), AcceptedCounts.parse(rs.getString(2)));
                }
            }
            return counts;
        }
    }

    private static List<InventoryWriter.InstanceSighting> sightings(List<Pending> written) {
        List<InventoryWriter.InstanceSighting> sightings = new ArrayList<>();
        for (Pending pending : written) {
            for (DecodedBatch.TargetPart part : pending.batch().targets()) {
                sightings.add(new InventoryWriter.InstanceSighting(part.target(), pending.collectorId(), part.serverVersion(),
                        part.serverVersionNum(), part.inRecovery(), pending.receivedAt(), part.latest(), part.databases()));
            }
        }
        return sightings;
    }

    /** One COPY per family for the whole group, each target's rows prefixed with its instance id. */
    private void copyFamilies(Connection connection, List<Pending> written, Map<InventoryWriter.Address, Long> ids)
            throws SQLException {
        long start = System.nanoTime();
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        for (Family family : MetricCatalog.ALL) {
            CopyIn in = null;
            try {
                for (Pending pending : written) {
                    for (DecodedBatch.TargetPart part : pending.batch().targets()) {
                        CopyEncoder rows = part.families().get(family);
                        if (rows == null || rows.isEmpty()) {
                            continue;
                        }
                        if (in == null) {
                            in = startCopy(connection, copy, family);
                        }
                        byte[] data = rows.withPrefix(Long.toString(ids.get(InventoryWriter.Address.of(part.target()))));
                        in.writeToCopy(data, 0, data.length);
                    }
                }
                if (in != null) {
                    in.endCopy();
                    if (family == MetricCatalog.STATEMENT_TEXTS) {
                        keepNewStatementTexts(connection);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (in != null && in.isActive()) {
                    try {
                        in.cancelCopy();
                    } catch (SQLException cancel) {
                        e.addSuppressed(cancel);
                    }
                }
                throw e;
            }
        }
        copySeconds.observe((System.nanoTime() - start) / 1e9);
    }

    private static CopyIn startCopy(Connection connection, CopyManager copy, Family family) throws SQLException {
        String table;
        if (family == MetricCatalog.STATEMENT_TEXTS) {
            try (Statement st = connection.createStatement()) {
                st.execute("CREATE TEMP TABLE IF NOT EXISTS " + STAGING + " (instance_id bigint, collected_at timestamptz, "
                        + "interval_seconds double precision, dbid bigint, queryid bigint, datname text, query text) ON COMMIT DELETE ROWS");
            }
            table = STAGING;
        } else {
            table = SeriesSchema.Resolution.RAW.table(family);
        }
        List<String> columns = new ArrayList<>(SeriesSchema.rawPrefixColumns());
        columns.addAll(family.columnNames());
        return copy.copyIn("COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN");
    }

    private static void keepNewStatementTexts(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("""
                    INSERT INTO ts.statement_text (instance_id, dbid, queryid, datname, query, first_seen_at)
                    SELECT DISTINCT ON (instance_id, dbid, queryid) instance_id, dbid, queryid, datname, query, collected_at
                    FROM %s ORDER BY instance_id, dbid, queryid, collected_at
                    ON CONFLICT (instance_id, dbid, queryid) DO NOTHING""".formatted(STAGING));
            st.execute("TRUNCATE " + STAGING);
        }
    }
}

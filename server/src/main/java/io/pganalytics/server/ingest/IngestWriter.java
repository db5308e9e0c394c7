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
import org.postgresql.copy.CopyManager;

import javax.sql.DataSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes a decoded batch in one transaction: the durable idempotency record first (a concurrent duplicate waits on
 * its key and then finds it), the inventory, then every family with COPY in catalogue order (so that concurrent
 * batches take table locks in the same order), query texts once per (instance, database, queryid). Partitions are
 * made sure of before the transaction, in their own.
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
        this.copySeconds = metrics.histogram("pganalytics_ingest_copy_seconds", "time spent in COPY per batch",
                MetricsRegistry.latencyBuckets());
    }

    /** The outcome: written (with the instances' ids), or a duplicate of a batch stored before (with its counts). */
    record Result(boolean duplicate, Map<String, Integer> accepted, Map<DecodedBatch.TargetPart, Long> instanceIds) {
    }

    Result write(DecodedBatch batch, String collectorId, Instant receivedAt, String acceptedJson) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (dialect == TimeSeriesDialect.PLAIN) {
                ensurePartitions(connection, batch);
            }
            connection.setAutoCommit(false);
            try {
                if (!recordBatch(connection, batch, collectorId, receivedAt, acceptedJson)) {
                    connection.rollback();
                    return new Result(true, storedCounts(connection, batch.batchId()), Map.of());
                }
                Map<DecodedBatch.TargetPart, Long> ids = new LinkedHashMap<>();
                for (DecodedBatch.TargetPart part : batch.targets()) {
                    long id = inventory.upsertInstance(connection, new InventoryWriter.InstanceSighting(part.target(), collectorId,
                            part.serverVersion(), part.serverVersionNum(), part.inRecovery(), receivedAt, part.latest()));
                    inventory.upsertDatabases(connection, id, part.databases(), receivedAt);
                    ids.put(part, id);
                }
                long start = System.nanoTime();
                CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
                for (Family family : MetricCatalog.ALL) {
                    for (Map.Entry<DecodedBatch.TargetPart, Long> target : ids.entrySet()) {
                        CopyEncoder rows = target.getKey().families().get(family);
                        if (rows != null && !rows.isEmpty()) {
                            copy(connection, copy, family, target.getValue(), rows);
                        }
                    }
                }
                copySeconds.observe((System.nanoTime() - start) / 1e9);
                connection.commit();
                return new Result(false, batch.rowsPerFamily(), ids);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private void ensurePartitions(Connection connection, DecodedBatch batch) throws SQLException {
        for (DecodedBatch.TargetPart part : batch.targets()) {
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

    private static boolean recordBatch(Connection connection, DecodedBatch batch, String collectorId, Instant receivedAt,
                                       String acceptedJson) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("""
                INSERT INTO ingest_batch (batch_id, collector_id, received_at, row_count, accepted)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT (batch_id) DO NOTHING""")) {
            ps.setString(1, batch.batchId());
            ps.setString(2, collectorId);
            ps.setTimestamp(3, Timestamp.from(receivedAt));
            ps.setInt(4, batch.rows());
            ps.setString(5, acceptedJson);
            return ps.executeUpdate() == 1;
        }
    }

    /** The counts a stored batch was acknowledged with, for a duplicate's answer. */
    private static Map<String, Integer> storedCounts(Connection connection, String batchId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT accepted FROM ingest_batch WHERE batch_id = ?")) {
            ps.setString(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? AcceptedCounts.parse(rs.getString(1)) : Map.of();
            }
        } finally {
            connection.rollback();
        }
    }

    private static void copy(Connection connection, CopyManager copy, Family family, long instanceId, CopyEncoder rows)
            throws SQLException {
        byte[] data = rows.withPrefix(Long.toString(instanceId));
        String table;
        if (family == MetricCatalog.STATEMENT_TEXTS) {
            stageStatementTexts(connection);
            table = STAGING;
        } else {
            table = SeriesSchema.Resolution.RAW.table(family);
        }
        List<String> columns = new ArrayList<>(SeriesSchema.rawPrefixColumns());
        columns.addAll(family.columnNames());
        try {
            copy.copyIn("COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN", new ByteArrayInputStream(data));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (family == MetricCatalog.STATEMENT_TEXTS) {
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

    private static void stageStatementTexts(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE TEMP TABLE IF NOT EXISTS " + STAGING + " (instance_id bigint, collected_at timestamptz, "
                    + "interval_seconds double precision, dbid bigint, queryid bigint, datname text, query text) ON COMMIT DELETE ROWS");
        }
    }

    Optional<Map<String, Integer>> lookupDurable(String batchId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement ps = connection.prepareStatement("SELECT accepted FROM ingest_batch WHERE batch_id = ?")) {
            ps.setString(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                Optional<Map<String, Integer>> result = rs.next() ? Optional.of(AcceptedCounts.parse(rs.getString(1))) : Optional.empty();
                connection.rollback();
                return result;
            }
        }
    }
}

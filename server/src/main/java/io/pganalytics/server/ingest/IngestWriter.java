package io.pganalytics.server.ingest;

import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.crypto.Sealer;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.inventory.InventoryWriter;
import io.pganalytics.server.metrics.MetricsRegistry;
import io.pganalytics.server.series.CopyEncoder;
import io.pganalytics.server.series.Partitions;
import io.pganalytics.server.series.SeriesSchema;
import io.pganalytics.server.series.SettingValues;
import io.pganalytics.server.series.StatementTexts;
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
import java.util.HexFormat;
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
 * <p>
 * Every wait is bounded: the transaction runs with {@code SET LOCAL statement_timeout} and {@code lock_timeout}
 * ({@code ingest.statement-timeout}, {@code ingest.lock-timeout}), and partitions are created with the same lock
 * timeout. A batch id is its collector's: the durable record's key is (collector, batch id). An instance belongs to
 * the collector that first wrote it (or to the next one once its owner was deleted); a batch carrying another
 * collector's instance is refused whole and nothing of it is written, the rest of its group is.
 */
final class IngestWriter {
    private static final String STAGING = "pga_statement_texts_in";
    private static final HexFormat HEX = HexFormat.of();

    private final DataSource dataSource;
    private final TimeSeriesDialect dialect;
    private final String statementTimeout;
    private final String lockTimeout;
    private final InventoryWriter inventory = new InventoryWriter();
    private final Partitions partitions;
    private final MetricsRegistry.Histogram copySeconds;
    /** Seals statement texts when {@code encryption.statement-texts} is on; null when texts are stored as they are. */
    private final Sealer textSealer;
    /** Seals settings values when {@code encryption.settings} is on; null when values are stored as they are. */
    private final Sealer settingSealer;

    IngestWriter(DataSource dataSource, TimeSeriesDialect dialect, Partitions partitions, IngestConfig config, MetricsRegistry metrics) {
        this(dataSource, dialect, partitions, config, metrics, null, null);
    }

    /**
     * @param textSealer    seals the statement texts in Java before they reach the database ({@code encryption.statement-texts});
     *                      null to store them as they are
     * @param settingSealer seals the settings values likewise ({@code encryption.settings}); null to store them as they are
     */
    IngestWriter(DataSource dataSource, TimeSeriesDialect dialect, Partitions partitions, IngestConfig config, MetricsRegistry metrics,
                 Sealer textSealer, Sealer settingSealer) {
        this.textSealer = textSealer;
        this.settingSealer = settingSealer;
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.statementTimeout = config.statementTimeout().toMillis() + "ms";
        this.lockTimeout = config.lockTimeout().toMillis() + "ms";
        this.partitions = partitions;
        this.copySeconds = metrics.histogram("pganalytics_ingest_copy_seconds", "time spent in COPY per group transaction",
                MetricsRegistry.latencyBuckets());
    }

    /** A decoded batch to write, from whom and when it arrived. */
    record Pending(DecodedBatch batch, String collectorId, Instant receivedAt) {
    }

    /** What became of one batch of a group. */
    enum Outcome {
        /** Written now. */
        STORED,
        /** Stored by an earlier transaction: nothing written; its post-commit work may not have run, so it runs again. */
        STORED_BEFORE,
        /** The same batch twice in one group: the first copy was written, this one is its duplicate. */
        COPY,
        /** It carries an instance another collector owns: nothing of it was written. */
        FORBIDDEN
    }

    /**
     * One batch's outcome, with the rows it was acknowledged with and its instances' ids (for STORED and STORED_BEFORE);
     * {@code refusal} says why a FORBIDDEN batch was refused.
     */
    record Result(Outcome outcome, Map<String, Integer> accepted, Map<DecodedBatch.TargetPart, Long> instanceIds, String refusal) {
        boolean duplicate() {
            return outcome == Outcome.STORED_BEFORE || outcome == Outcome.COPY;
        }
    }

    /** A batch's durable identity: its collector's id and its own. */
    record BatchKey(String collectorId, String batchId) implements Comparable<BatchKey> {
        static BatchKey of(Pending pending) {
            return new BatchKey(pending.collectorId(), pending.batch().batchId());
        }

        @Override
        public int compareTo(BatchKey other) {
            int c = collectorId.compareTo(other.collectorId);
            return c != 0 ? c : batchId.compareTo(other.batchId);
        }
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
                bound(connection);
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
     * constraint, a trigger, a deadlock, a race for a new instance) rather than the database's being out of reach, out
     * of resources or busy (a lock or statement timeout), where every retry would fail the same way, each after its
     * own wait.
     */
    static boolean mayConcernOneBatch(SQLException e) {
        if (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException) {
            return false;
        }
        String state = e.getSQLState();
        // a lock or statement timeout is the database's being busy: one by one, each batch would wait it out again
        return state != null && !state.startsWith("08") && !state.startsWith("53") && !state.startsWith("57")
                && !state.startsWith("58") && !state.equals(LOCK_NOT_AVAILABLE);
    }

    /** SQLState of a lock_timeout (and of NOWAIT). */
    static final String LOCK_NOT_AVAILABLE = "55P03";

    /**
     * Whether the database refused the data itself (SQLState class 22, data exception, or 23, integrity constraint):
     * the same batch would be refused again, so its sender is told so (4xx) rather than to retry.
     */
    static boolean refusesTheData(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    private void bound(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT set_config('statement_timeout', ?, true), set_config('lock_timeout', ?, true)")) {
            ps.setString(1, statementTimeout);
            ps.setString(2, lockTimeout);
            ps.executeQuery().close();
        }
    }

    private List<Result> transaction(Connection connection, List<Pending> group) throws SQLException {
        Map<BatchKey, Pending> firsts = new LinkedHashMap<>();
        for (Pending pending : group) {
            firsts.putIfAbsent(BatchKey.of(pending), pending);
        }
        Map<InventoryWriter.Address, InventoryWriter.Owner> owners = inventory.owners(connection, addresses(firsts.values()));
        Map<BatchKey, String> refusals = refuseForeignInstances(connection, firsts.values(), owners);
        List<Pending> allowed = firsts.values().stream().filter(p -> !refusals.containsKey(BatchKey.of(p))).toList();
        Map<BatchKey, Map<String, Integer>> counts = new HashMap<>();
        allowed.forEach(pending -> counts.put(BatchKey.of(pending), pending.batch().rowsPerFamily()));
        Set<BatchKey> recorded = allowed.isEmpty() ? Set.of() : recordBatches(connection, allowed, counts);
        Map<BatchKey, Map<String, Integer>> earlier = new HashMap<>();
        if (recorded.size() < allowed.size()) {
            earlier = storedCounts(connection, allowed.stream().map(BatchKey::of).filter(key -> !recorded.contains(key)).toList());
        }
        List<Pending> written = allowed.stream().filter(p -> recorded.contains(BatchKey.of(p))).toList();
        Map<InventoryWriter.Address, Long> ids = inventory.register(connection, sightings(written));
        copyFamilies(connection, written, ids);

        List<Result> results = new ArrayList<>(group.size());
        for (Pending pending : group) {
            BatchKey key = BatchKey.of(pending);
            if (refusals.containsKey(key)) {
                results.add(new Result(Outcome.FORBIDDEN, Map.of(), Map.of(), refusals.get(key)));
            } else if (!recorded.contains(key)) {
                results.add(new Result(firsts.get(key) == pending ? Outcome.STORED_BEFORE : Outcome.COPY,
                        earlier.getOrDefault(key, Map.of()), instanceIds(pending, owners), null));
            } else if (firsts.get(key) != pending) {
                results.add(new Result(Outcome.COPY, counts.get(key), Map.of(), null));
            } else {
                Map<DecodedBatch.TargetPart, Long> instances = new LinkedHashMap<>();
                pending.batch().targets().forEach(part -> instances.put(part, ids.get(InventoryWriter.Address.of(part.target()))));
                results.add(new Result(Outcome.STORED, counts.get(key), instances, null));
            }
        }
        return results;
    }

    private static List<InventoryWriter.Address> addresses(Iterable<Pending> batches) {
        List<InventoryWriter.Address> addresses = new ArrayList<>();
        for (Pending pending : batches) {
            pending.batch().targets().forEach(part -> addresses.add(InventoryWriter.Address.of(part.target())));
        }
        return addresses;
    }

    /** The known instances' ids of a batch stored before (for its post-commit work); an unknown one is left out. */
    private static Map<DecodedBatch.TargetPart, Long> instanceIds(Pending pending, Map<InventoryWriter.Address, InventoryWriter.Owner> owners) {
        Map<DecodedBatch.TargetPart, Long> ids = new LinkedHashMap<>();
        for (DecodedBatch.TargetPart part : pending.batch().targets()) {
            InventoryWriter.Owner owner = owners.get(InventoryWriter.Address.of(part.target()));
            if (owner != null) {
                ids.put(part, owner.instanceId());
            }
        }
        return ids;
    }

    /**
     * The batches of the group that carry an instance another collector owns, each with the reason. An instance nobody
     * owns yet goes to the first batch of the group that carries it; one whose owner was deleted goes to its next writer.
     */
    private Map<BatchKey, String> refuseForeignInstances(Connection connection, Iterable<Pending> batches,
                                                         Map<InventoryWriter.Address, InventoryWriter.Owner> owners) throws SQLException {
        Map<InventoryWriter.Address, String> claims = new HashMap<>();
        Set<String> foreignOwners = new HashSet<>();
        owners.forEach((address, owner) -> {
            if (owner.collectorId() != null) {
                claims.put(address, owner.collectorId());
            }
        });
        for (Pending pending : batches) {
            for (DecodedBatch.TargetPart part : pending.batch().targets()) {
                String claimant = claims.get(InventoryWriter.Address.of(part.target()));
                if (claimant != null && !claimant.equals(pending.collectorId())) {
                    foreignOwners.add(claimant);
                }
            }
        }
        Set<String> released = foreignOwners.isEmpty() ? Set.of() : inventory.deletedCollectors(connection, foreignOwners);
        claims.values().removeIf(released::contains);
        Map<BatchKey, String> refusals = new HashMap<>();
        for (Pending pending : batches) {
            String refusal = null;
            for (DecodedBatch.TargetPart part : pending.batch().targets()) {
                InventoryWriter.Address address = InventoryWriter.Address.of(part.target());
                String owner = claims.get(address);
                if (refusal == null && owner != null && !owner.equals(pending.collectorId())) {
                    refusal = "instance " + part.target().name() + " (" + address.host() + ":" + address.port()
                            + ", system identifier " + address.systemIdentifier() + ") belongs to another collector; "
                            + "an admin releases it by deleting that collector";
                }
            }
            if (refusal != null) {
                refusals.put(BatchKey.of(pending), refusal);
            } else {
                // a refused batch claims nothing: the instances it carried stay free for the batches that may write them
                pending.batch().targets().forEach(part -> claims.putIfAbsent(InventoryWriter.Address.of(part.target()), pending.collectorId()));
            }
        }
        return refusals;
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

    /** Inserts the batches' idempotency records; returns the keys inserted (the others were stored before). */
    private static Set<BatchKey> recordBatches(Connection connection, List<Pending> batches, Map<BatchKey, Map<String, Integer>> counts)
            throws SQLException {
        List<Pending> sorted = new ArrayList<>(batches);
        sorted.sort(Comparator.comparing(BatchKey::of));
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
            accepted[i] = AcceptedCounts.format(counts.get(BatchKey.of(sorted.get(i))));
        }
        try (PreparedStatement ps = connection.prepareStatement("""
                INSERT INTO ingest_batch (batch_id, collector_id, received_at, row_count, accepted)
                SELECT b.batch_id, b.collector_id, b.received_at, b.row_count, b.accepted
                FROM unnest(?::text[], ?::text[], ?::timestamptz[], ?::int4[], ?::text[]) WITH ORDINALITY
                    AS b(batch_id, collector_id, received_at, row_count, accepted, position)
                ORDER BY b.position
                ON CONFLICT (collector_id, batch_id) DO NOTHING
                RETURNING collector_id, batch_id""")) {
            ps.setArray(1, connection.createArrayOf("text", ids));
            ps.setArray(2, connection.createArrayOf("text", collectors));
            ps.setArray(3, connection.createArrayOf("text", received));
            ps.setArray(4, connection.createArrayOf("int4", rows));
            ps.setArray(5, connection.createArrayOf("text", accepted));
            Set<BatchKey> inserted = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted.add(new BatchKey(rs.getString(1), rs.getString(2)));
                }
            }
            return inserted;
        }
    }

    /** The counts stored batches were acknowledged with, for their duplicates' answers. */
    private static Map<BatchKey, Map<String, Integer>> storedCounts(Connection connection, List<BatchKey> keys) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("""
                SELECT b.collector_id, b.batch_id, b.accepted FROM ingest_batch b
                JOIN unnest(?::text[], ?::text[]) AS k(collector_id, batch_id)
                    ON b.collector_id = k.collector_id AND b.batch_id = k.batch_id""")) {
            ps.setArray(1, connection.createArrayOf("text", keys.stream().map(BatchKey::collectorId).toArray()));
            ps.setArray(2, connection.createArrayOf("text", keys.stream().map(BatchKey::batchId).toArray()));
            Map<BatchKey, Map<String, Integer>> counts = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(new BatchKey(rs.getString(1), rs.getString(2)), AcceptedCounts.parse(rs.getString(3)));
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
                            in = startCopy(connection, copy, family, textSealer != null, settingSealer != null);
                        }
                        long instanceId = ids.get(InventoryWriter.Address.of(part.target()));
                        byte[] data;
                        if (family == MetricCatalog.STATEMENT_TEXTS && textSealer != null) {
                            data = sealedTexts(instanceId, part.statementTexts());
                        } else if (family == MetricCatalog.SETTINGS && settingSealer != null) {
                            data = sealedSettings(instanceId, part.settings());
                        } else {
                            data = rows.withPrefix(Long.toString(instanceId));
                        }
                        in.writeToCopy(data, 0, data.length);
                    }
                }
                if (in != null) {
                    in.endCopy();
                    if (family == MetricCatalog.STATEMENT_TEXTS) {
                        keepNewStatementTexts(connection, textSealer != null);
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

    private static CopyIn startCopy(Connection connection, CopyManager copy, Family family, boolean sealedTexts,
                                    boolean sealedSettings) throws SQLException {
        String table;
        List<String> columns = new ArrayList<>(SeriesSchema.rawPrefixColumns());
        columns.addAll(family.columnNames());
        if (family == MetricCatalog.STATEMENT_TEXTS) {
            try (Statement st = connection.createStatement()) {
                st.execute("CREATE TEMP TABLE IF NOT EXISTS " + STAGING + " (instance_id bigint, collected_at timestamptz, "
                        + "interval_seconds double precision, dbid bigint, queryid bigint, datname text, query text, query_sealed bytea)"
                        + " ON COMMIT DELETE ROWS");
            }
            table = STAGING;
            if (sealedTexts) {
                // the texts arrive sealed: the clear text never reaches the database, not even its temporary table
                columns.set(columns.indexOf("query"), "query_sealed");
            }
        } else {
            table = SeriesSchema.Resolution.RAW.table(family);
            if (family == MetricCatalog.SETTINGS && sealedSettings) {
                // the values arrive sealed: the clear value never reaches the database
                columns.set(columns.indexOf("setting"), "setting_sealed");
            }
        }
        return copy.copyIn("COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN");
    }

    /**
     * An instance's statement texts as COPY rows for the staging table, each text sealed for its row
     * ({@code instance_id:dbid:queryid}) and given as bytea hex: sealing here, in the writer, keeps the batch path one
     * COPY (no row-by-row round trip) and the text out of the database.
     */
    private byte[] sealedTexts(long instanceId, List<DecodedBatch.StatementText> texts) {
        CopyEncoder out = new CopyEncoder();
        for (DecodedBatch.StatementText text : texts) {
            byte[] sealed = textSealer.sealText(StatementTexts.SEALED.context(StatementTexts.rowKey(instanceId, text.dbid(), text.queryid())),
                    text.query());
            out.startRow().value(instanceId).value(text.collectedAt());
            if (text.interval() == null) {
                out.nullValue();
            } else {
                out.value(text.interval());
            }
            out.value(text.dbid()).value(text.queryid());
            if (text.datname() == null) {
                out.nullValue();
            } else {
                out.text(text.datname());
            }
            out.text("\\x" + HEX.formatHex(sealed));
            out.endRow();
        }
        return out.bytes();
    }

    /**
     * An instance's settings as COPY rows for {@code ts.settings}, each value sealed for its row ({@code instance_id:name@collected_at})
     * and given as bytea hex in the {@code setting_sealed} column; a setting without a value stays NULL.
     */
    private byte[] sealedSettings(long instanceId, List<DecodedBatch.Setting> settings) {
        CopyEncoder out = new CopyEncoder();
        for (DecodedBatch.Setting setting : settings) {
            Instant at = SettingValues.stored(setting.collectedAt());
            out.startRow().value(instanceId).value(at);
            if (setting.interval() == null) {
                out.nullValue();
            } else {
                out.value(setting.interval());
            }
            out.text(setting.name());
            if (setting.value() == null) {
                out.nullValue();
            } else {
                byte[] sealed = settingSealer.sealText(SettingValues.SEALED.context(SettingValues.rowKey(instanceId, setting.name(), at)), setting.value());
                out.text("\\x" + HEX.formatHex(sealed));
            }
            textOrNull(out, setting.unit());
            textOrNull(out, setting.source());
            if (setting.pendingRestart() == null) {
                out.nullValue();
            } else {
                out.value(setting.pendingRestart());
            }
            out.endRow();
        }
        return out.bytes();
    }

    private static void textOrNull(CopyEncoder out, String text) {
        if (text == null) {
            out.nullValue();
        } else {
            out.text(text);
        }
    }

    private static void keepNewStatementTexts(Connection connection, boolean sealedTexts) throws SQLException {
        String text = sealedTexts ? "query_sealed" : "query";
        try (Statement st = connection.createStatement()) {
            st.execute("""
                    INSERT INTO ts.statement_text (instance_id, dbid, queryid, datname, %1$s, first_seen_at)
                    SELECT DISTINCT ON (instance_id, dbid, queryid) instance_id, dbid, queryid, datname, %1$s, collected_at
                    FROM %2$s ORDER BY instance_id, dbid, queryid, collected_at
                    ON CONFLICT (instance_id, dbid, queryid) DO NOTHING""".formatted(text, STAGING));
            st.execute("TRUNCATE " + STAGING);
        }
    }
}

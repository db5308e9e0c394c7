package io.pganalytics.console.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.wire.MetricBatch;
import io.pganalytics.common.wire.Snapshot;
import io.pganalytics.common.wire.TargetRef;
import io.pganalytics.server.testing.ApiClient;

import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A registered collector that sends batches through the real ingest API, built from the wire records and the metric
 * catalogue: one instance with one database, a known statement, two tables and an unused index.
 */
public final class Workload {
    public static final String INSTANCE = "orders-primary";
    public static final String STATEMENT = "SELECT * FROM orders WHERE customer_id = $1";
    /** Beyond 2^53, where a JSON number read as a double would be rounded: the API sends it as a string. */
    public static final long QUERYID = 9_007_199_254_740_993L;
    private final ApiClient api;
    private final String credential;
    private final TargetRef target;

    private Workload(ApiClient api, String credential, TargetRef target) {
        this.api = api;
        this.credential = credential;
        this.target = target;
    }

    /** The same collector monitoring another instance. */
    public Workload target(String name, String systemIdentifier, String host) {
        return new Workload(api, credential, new TargetRef(systemIdentifier, name, host, 5432));
    }

    /** Registers a collector with a one-time token an admin created. */
    public static Workload register(TestServer server) {
        ApiClient api = new ApiClient(server.server());
        String admin = api.loginAdmin();
        ApiClient.Response token = api.post("/collectors/registration-tokens", admin, "{\"note\":\"console test\"}");
        check(token, 201);
        ApiClient.Response registered = api.post("/collectors/register", null, "{\"token\":" + api.toJson(token.json().get("token").asText())
                + ",\"name\":\"console-test\",\"hostname\":\"db1.example.com\",\"collectorVersion\":\"3.5.0\"}");
        check(registered, 201);
        JsonNode identity = registered.json();
        return new Workload(api, identity.get("credential").asText(), new TargetRef("7301234567890123456", INSTANCE, "db1.example.com", 5432));
    }

    /** One minute of the workload ending at {@code at}: {@code commits} transactions, {@code connections} backends. */
    public void send(Instant at, long commits, long connections) {
        List<Snapshot> snapshots = new ArrayList<>();
        snapshots.add(snapshot(MetricCatalog.INSTANCE, at, null, values("server_version", "17.2", "server_version_num", 170002,
                "in_recovery", false, "max_connections", 100, "connections", connections, "uptime_seconds", 86_400.0)));
        snapshots.add(snapshot(MetricCatalog.DATABASE, at, 60.0, values("datname", "shop", "numbackends", connections,
                "xact_commit", commits, "xact_rollback", 0, "blks_read", 50, "blks_hit", 9950, "deadlocks", 0, "conflicts", 0,
                "size_bytes", 512L * 1024 * 1024)));
        snapshots.add(snapshot(MetricCatalog.ACTIVITY, at, null, values("datname", "shop", "total", connections, "active", 2,
                "idle", Math.max(0, connections - 2), "waiting", 1, "lock_waiting", 1, "longest_transaction_seconds", 3.5,
                "longest_query_seconds", 1.2)));
        snapshots.add(snapshot(MetricCatalog.WAIT_EVENTS, at, null, values("datname", "shop", "backend_type", "client backend",
                "wait_event_type", "Lock", "wait_event", "transactionid", "backends", 1)));
        snapshots.add(snapshot(MetricCatalog.STATEMENTS, at, 60.0, values("dbid", 16384, "userid", 10, "queryid", QUERYID,
                "toplevel", true, "datname", "shop", "username", "app", "calls", commits, "total_exec_time", commits * 0.8,
                "rows", commits, "shared_blks_read", 40)));
        snapshots.add(snapshot(MetricCatalog.STATEMENT_TEXTS, at, null, values("dbid", 16384, "queryid", QUERYID,
                "datname", "shop", "query", STATEMENT)));
        snapshots.add(new Snapshot(target, MetricCatalog.TABLES.name(), at, 60.0, MetricCatalog.TABLES.columnNames(), List.of(
                row(MetricCatalog.TABLES, values("datname", "shop", "schemaname", "public", "relname", "orders", "seq_scan", 2,
                        "idx_scan", commits, "n_live_tup", 120_000, "n_dead_tup", 3_400, "total_bytes", 48L * 1024 * 1024,
                        "table_bytes", 40L * 1024 * 1024, "indexes_bytes", 8L * 1024 * 1024, "last_autovacuum", at.minusSeconds(3600).toString())),
                row(MetricCatalog.TABLES, values("datname", "shop", "schemaname", "public", "relname", "customers", "seq_scan", 30,
                        "idx_scan", 5, "n_live_tup", 9_000, "n_dead_tup", 12, "total_bytes", 2L * 1024 * 1024)))));
        snapshots.add(new Snapshot(target, MetricCatalog.INDEXES.name(), at, 60.0, MetricCatalog.INDEXES.columnNames(), List.of(
                row(MetricCatalog.INDEXES, values("datname", "shop", "schemaname", "public", "relname", "orders", "indexrelname",
                        "orders_pkey", "idx_scan", commits, "size_bytes", 4L * 1024 * 1024, "is_valid", true, "is_unique", true, "is_primary", true)),
                row(MetricCatalog.INDEXES, values("datname", "shop", "schemaname", "public", "relname", "orders", "indexrelname",
                        "orders_note_idx", "idx_scan", 0, "size_bytes", 3L * 1024 * 1024, "is_valid", true, "is_unique", false, "is_primary", false)))));
        // the instance's own WAL archiving fails: the fleet's Archiving column and alert show it
        snapshots.add(snapshot(MetricCatalog.ARCHIVER, at, null, values("archive_mode", "on", "archived_count", 40,
                "last_archived_wal", "000000010000000000000028", "last_archived_time", at.minusSeconds(900).toString(),
                "failed_count", 6, "last_failed_wal", "000000010000000000000029", "last_failed_time", at.minusSeconds(30).toString(),
                "current_wal", "00000001000000000000002B", "archive_timeout_seconds", 0.0, "in_recovery", false)));
        MetricBatch batch = new MetricBatch(MetricBatch.SCHEMA_VERSION, UUID.randomUUID().toString(), "3.5.0", at, snapshots);
        String json = api.toJson(batch);
        HttpRequest request = api.request("/ingest", credential).header("Content-Type", "application/json")
                .header("Idempotency-Key", batch.batchId()).POST(HttpRequest.BodyPublishers.ofString(json)).build();
        check(api.send(request), 200);
    }

    private Snapshot snapshot(Family family, Instant at, Double interval, Map<String, Object> values) {
        return new Snapshot(target, family.name(), at, interval, family.columnNames(), List.of(row(family, values)));
    }

    private static List<Object> row(Family family, Map<String, Object> values) {
        Map<String, Object> known = new HashMap<>(values);
        List<Object> row = new ArrayList<>();
        for (String column : family.columnNames()) {
            row.add(known.remove(column));
        }
        if (!known.isEmpty()) {
            throw new IllegalArgumentException(family.name() + " has no columns " + known.keySet());
        }
        return row;
    }

    private static Map<String, Object> values(Object... keyValues) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put((String) keyValues[i], keyValues[i + 1]);
        }
        return values;
    }

    private static void check(ApiClient.Response response, int status) {
        if (response.status() != status) {
            throw new AssertionError("expected HTTP " + status + ", got " + response.status() + ": " + response.body());
        }
    }
}

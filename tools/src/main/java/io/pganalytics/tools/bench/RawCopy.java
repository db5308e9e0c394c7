package io.pganalytics.tools.bench;

import io.pganalytics.tools.simulate.SyntheticInstance;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.wire.Snapshot;
import io.pganalytics.common.wire.TargetRef;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The physical limit: the simulation's steady-state batches COPY'd straight into the same raw tables by one plain
 * JDBC loop, one transaction per batch as the server commits them, with no HTTP, authentication, parsing, validation,
 * idempotency record or inventory. Only encoding, COPY and commit are timed (not the synthetic values' generation).
 */
final class RawCopy {
    record Result(long batches, long rows, double seconds) {
        double rowsPerSecond() {
            return seconds == 0 ? 0 : rows / seconds;
        }
    }

    private RawCopy() {
    }

    static Result run(ServerDatabase database, List<Long> instanceIds, long batches) throws SQLException, IOException {
        List<SyntheticInstance> instances = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < instanceIds.size(); i++) {
            String name = "raw-" + i;
            SyntheticInstance instance = new SyntheticInstance(new TargetRef("raw" + i, name, name, 5432), 1_000 + i);
            instance.collect(now, 60);  // the first interval carries settings and query texts: steady state follows
            instances.add(instance);
        }
        long rows = 0;
        long nanos = 0;
        CopyText text = new CopyText();
        try (Connection c = database.connectAsServer()) {
            c.setAutoCommit(false);
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            for (long b = 0; b < batches; b++) {
                int which = (int) (b % instanceIds.size());
                List<Snapshot> snapshots = instances.get(which).collect(Instant.now(), 60);
                long start = System.nanoTime();
                for (Snapshot snapshot : snapshots) {
                    Family family = MetricCatalog.byName(snapshot.family()).orElseThrow();
                    if (family == MetricCatalog.STATEMENT_TEXTS) {
                        continue;
                    }
                    text.clear();
                    for (List<Object> row : snapshot.rows()) {
                        List<Object> values = new ArrayList<>(row.size() + 3);
                        values.add(instanceIds.get(which));
                        values.add(snapshot.collectedAt());
                        values.add(snapshot.intervalSeconds());
                        values.addAll(row);
                        text.row(values);
                    }
                    copy.copyIn("COPY " + ServerDatabase.rawTable(family) + " (instance_id, collected_at, interval_seconds, "
                            + String.join(", ", family.columnNames()) + ") FROM STDIN", new ByteArrayInputStream(text.bytes()));
                    rows += text.rows();
                }
                c.commit();
                nanos += System.nanoTime() - start;
            }
        }
        return new Result(batches, rows, nanos / 1e9);
    }
}

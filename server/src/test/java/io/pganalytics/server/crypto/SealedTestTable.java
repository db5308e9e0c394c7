package io.pganalytics.server.crypto;

import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.server.PgAnalyticsServer;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * A table a test owns with a sealed column, registered with each node's {@link CryptoFeature} like a feature's own
 * (until the real sealed columns exist, this is what rotation re-seals in the tests and the benchmark).
 */
final class SealedTestTable {
    final String table;
    final SealedColumn column;

    SealedTestTable(String table) {
        this.table = table;
        this.column = new SealedColumn(table, "secret", "id", "test secrets (" + table + ")");
    }

    SealedTestTable create(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "CREATE TABLE IF NOT EXISTS " + table + " (id bigint PRIMARY KEY, secret bytea NOT NULL)")) {
            ps.execute();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
        return this;
    }

    SealedTestTable registerOn(PgAnalyticsServer... servers) {
        for (PgAnalyticsServer server : servers) {
            server.crypto().register(column);
        }
        return this;
    }

    static String plaintext(long id, int version) {
        return "secret-" + id + "-v" + version;
    }

    /** Inserts (or overwrites) rows {@code from} to {@code to} - 1, each sealed by {@code sealer} under its own context. */
    void write(DataSource dataSource, Sealer sealer, long from, long to, int version) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                + " (id, secret) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET secret = excluded.secret")) {
            c.setAutoCommit(false);
            for (long id = from; id < to; id++) {
                ps.setLong(1, id);
                ps.setBytes(2, sealer.sealText(column.context(Long.toString(id)), plaintext(id, version)));
                ps.addBatch();
                if ((id - from) % 1000 == 999) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
            c.commit();
        }
    }

    /** Rows that do not open, or open to something else than a value this test wrote there. */
    long unreadable(DataSource dataSource, Sealer sealer) throws SQLException {
        long bad = 0;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT id, secret FROM " + table);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long id = rs.getLong(1);
                try {
                    String text = new String(sealer.open(column.context(Long.toString(id)), rs.getBytes(2)), StandardCharsets.UTF_8);
                    if (!text.startsWith("secret-" + id + "-v")) {
                        bad++;
                    }
                } catch (CryptoException e) {
                    bad++;
                }
            }
        }
        return bad;
    }

    /** Rows per data key id. */
    Map<Integer, Long> keys(DataSource dataSource) throws SQLException {
        Map<Integer, Long> counts = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT crypto_key_id(secret), count(*) FROM " + table + " GROUP BY 1"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getInt(1), rs.getLong(2));
            }
        }
        return counts;
    }
}

package io.pganalytics.server.crypto;

import io.pganalytics.common.crypto.Envelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Upgrading an installation: seals the values an earlier version stored in the clear, once, at start (before anything
 * is served), and erases the clear copies from the table's files.
 * <p>
 * Safe with several nodes starting at once: each value is replaced by a compare-and-set ({@code WHERE <row key> = ? AND
 * column = <the clear value read>}), so two nodes never seal one value twice, and a value the owning feature changed
 * meanwhile is left as it is. The rewrite that follows ({@code VACUUM FULL}) leaves no dead row version holding the
 * clear value in the table's files; the write-ahead log keeps it until PostgreSQL recycles the segment
 * (docs/encryption/sealed-data.md).
 */
public final class ClearValues {
    /** A value starting with these four bytes is sealed ({@link Envelope}); a PKCS#8 key or a secret of an earlier version is not. */
    static final String SEALED_PREFIX_SQL = "'\\x70676101'::bytea";
    private static final int BATCH = 500;
    private static final Logger LOG = LoggerFactory.getLogger(ClearValues.class);

    private ClearValues() {
    }

    /**
     * Seals in place every non-null value of {@code column} that is not sealed yet.
     *
     * @return how many values this call sealed
     */
    public static int sealInPlace(DataSource dataSource, Sealer sealer, SealedColumn column) {
        String select = "SELECT (" + column.rowKeySql() + ")::text AS row_key, " + column.column() + " AS value FROM " + column.table()
                + " WHERE " + column.column() + " IS NOT NULL AND substring(" + column.column() + " from 1 for 4) <> " + SEALED_PREFIX_SQL
                + " LIMIT " + BATCH;
        String update = "UPDATE " + column.table() + " SET " + column.column() + " = ? WHERE (" + column.rowKeySql() + ")::text = ? AND "
                + column.column() + " = ?";
        int sealed = 0;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            while (true) {
                List<Object[]> rows = new ArrayList<>();
                try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(select)) {
                    while (result.next()) {
                        rows.add(new Object[] {result.getString("row_key"), result.getBytes("value")});
                    }
                }
                if (rows.isEmpty()) {
                    break;
                }
                try (PreparedStatement statement = connection.prepareStatement(update)) {
                    for (Object[] row : rows) {
                        String rowKey = (String) row[0];
                        byte[] clear = (byte[]) row[1];
                        statement.setBytes(1, sealer.seal(column.context(rowKey), clear));
                        statement.setString(2, rowKey);
                        statement.setBytes(3, clear);
                        sealed += statement.executeUpdate();
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("encryption: sealing the clear values of " + column.table() + "." + column.column()
                    + " failed: " + e.getMessage(), e);
        }
        if (sealed > 0) {
            LOG.info("encryption: sealed {} value(s) of {}.{} that an earlier version stored in the clear ({})", sealed, column.table(),
                    column.column(), column.protects());
        }
        return sealed;
    }

    /**
     * Rewrites {@code table} ({@code VACUUM FULL}: a short exclusive lock, the tables concerned are small) so that no dead
     * row version holding a clear value stays in its files. Call after sealing at least one value.
     */
    public static void eraseDeadCopies(DataSource dataSource, String table) {
        if (!table.matches("[a-z_][a-z0-9_.]*")) {
            throw new IllegalArgumentException("not a table name: " + table);
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement()) {
                statement.execute("VACUUM FULL " + table);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("encryption: rewriting " + table + " after sealing its clear values failed: " + e.getMessage(), e);
        }
    }
}

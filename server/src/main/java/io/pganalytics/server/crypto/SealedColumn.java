package io.pganalytics.server.crypto;

import io.pganalytics.common.crypto.SealContext;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A database column whose values are sealed, as its feature registers it with {@link CryptoFeature#register}: what
 * key rotation re-seals, what the key status counts, and what the console lists as protected.
 *
 * @param table     the table, schema-qualified when not in the default schema ({@code ts.statement_text})
 * @param column    the {@code bytea} column holding sealed values (NULL where there is none)
 * @param rowKeySql a SQL expression over the table's columns giving the row's key as text: the {@code id} of
 *                  {@link SealContext#record} that the values are sealed with (e.g. {@code kid}, or
 *                  {@code instance_id || ':' || dbid || ':' || queryid})
 * @param protects  what the values are, for people: "token-signing private keys"
 */
public record SealedColumn(String table, String column, String rowKeySql, String protects) {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?");

    public SealedColumn {
        Objects.requireNonNull(rowKeySql, "rowKeySql");
        Objects.requireNonNull(protects, "protects");
        if (!IDENTIFIER.matcher(table).matches() || !IDENTIFIER.matcher(column).matches() || column.contains(".")) {
            throw new IllegalArgumentException("not a plain table and column name: " + table + "." + column);
        }
    }

    /** The context a value of the row with key {@code rowKey} is sealed with. */
    public SealContext context(String rowKey) {
        return SealContext.record(table, column, rowKey);
    }
}

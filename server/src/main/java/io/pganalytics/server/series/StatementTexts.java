package io.pganalytics.server.series;

import io.pganalytics.server.crypto.SealedColumn;

/**
 * Where statement texts may be sealed ({@code encryption.statement-texts}): {@code ts.statement_text.query_sealed},
 * bound to the row's key {@code instance_id:dbid:queryid}. A row holds its text either as it is ({@code query}) or
 * sealed ({@code query_sealed}), never both, so that turning the option on or off never loses a text: ingest writes new
 * texts in the form the option asks for and the query API reads both.
 */
public final class StatementTexts {
    public static final SealedColumn SEALED = new SealedColumn("ts.statement_text", "query_sealed",
            "instance_id || ':' || dbid || ':' || queryid", "statement texts (encryption.statement-texts)");

    private StatementTexts() {
    }

    /** The row key a text of {@code (instanceId, dbid, queryid)} is sealed with. */
    public static String rowKey(long instanceId, long dbid, long queryid) {
        return instanceId + ":" + dbid + ":" + queryid;
    }
}

package io.pganalytics.server.anomaly.hints;

import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.server.crypto.Sealer;
import io.pganalytics.server.series.StatementTexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Statement texts of an instance by queryid (the lowest dbid's, as the query API does), opened with the sealer when
 * ingest sealed them ({@code encryption.statement-texts}). A text that cannot be opened is left out: the hint names the
 * queryid instead.
 */
final class Texts {
    private static final Logger LOG = LoggerFactory.getLogger(Texts.class);
    private static final int MAX_IDS = 200;

    private final Sealer sealer;

    Texts(Sealer sealer) {
        this.sealer = sealer;
    }

    Map<Long, String> of(Connection c, long instanceId, Collection<Long> queryids) throws SQLException {
        Map<Long, String> texts = new HashMap<>();
        long[] ids = queryids.stream().distinct().limit(MAX_IDS).mapToLong(Long::longValue).toArray();
        if (ids.length == 0) {
            return texts;
        }
        try (PreparedStatement ps = Rows.prepare(c, "SELECT DISTINCT ON (queryid) queryid, dbid, query, query_sealed"
                + " FROM ts.statement_text WHERE instance_id = ? AND queryid = ANY (?) ORDER BY queryid, dbid", instanceId, ids);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long queryid = rs.getLong("queryid");
                byte[] sealed = rs.getBytes("query_sealed");
                String text = sealed == null ? rs.getString("query") : open(instanceId, rs.getLong("dbid"), queryid, sealed);
                if (text != null) {
                    texts.put(queryid, Rows.excerpt(text));
                }
            }
        }
        return texts;
    }

    private String open(long instanceId, long dbid, long queryid, byte[] sealed) {
        try {
            return sealer.openText(StatementTexts.SEALED.context(StatementTexts.rowKey(instanceId, dbid, queryid)), sealed);
        } catch (CryptoException e) {
            LOG.warn("instance {}: the text of statement {} cannot be opened for a hint: {}", instanceId, queryid, e.getMessage());
            return null;
        }
    }

    /** How a hint names a statement: its text, or its queryid when the text is unknown. */
    static String subject(Map<Long, String> texts, long queryid) {
        String text = texts.get(queryid);
        return text != null ? text : "query " + queryid;
    }
}

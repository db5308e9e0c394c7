package io.pganalytics.server.audit;

import io.pganalytics.common.audit.AuditRecordView;
import io.pganalytics.server.PgAnalyticsServer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Reads what a test's requests left in the audit trail: flushes the node's queue, then opens the records after a mark. */
public final class RecordedAudit {
    private final PgAnalyticsServer server;

    public RecordedAudit(PgAnalyticsServer server) {
        this.server = server;
    }

    /** The newest seq now: records a test's requests produce come after it. */
    public long mark() throws SQLException {
        server.audit().log().flush(Duration.ofSeconds(10));
        try (Connection c = server.database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(seq), 0) FROM audit.record"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every record after {@code mark} (queued ones written first), opened, that {@code filter} keeps. */
    public List<AuditRecordView> after(long mark, Predicate<AuditRecordView> filter) throws SQLException {
        if (!server.audit().log().flush(Duration.ofSeconds(10))) {
            throw new AssertionError("the audit queue was not written within 10 s");
        }
        List<AuditRecordView> found = new ArrayList<>();
        try (Connection c = server.database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + StoredRecord.COLUMNS + " FROM audit.record WHERE seq > ? ORDER BY seq")) {
            ps.setLong(1, mark);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    AuditRecordView view = server.audit().views().view(StoredRecord.read(rs));
                    if (filter.test(view)) {
                        found.add(view);
                    }
                }
            }
        }
        return found;
    }

    /** Records after {@code mark} whose actor sent {@code userAgent}. */
    public List<AuditRecordView> byUserAgent(long mark, String userAgent) throws SQLException {
        return after(mark, r -> r.actor() != null && userAgent.equals(r.actor().userAgent()));
    }

    /** The one record after {@code mark} of {@code category} sent with {@code userAgent}; fails when there is not exactly one. */
    public AuditRecordView only(long mark, String category, String userAgent) throws SQLException {
        List<AuditRecordView> found = after(mark, r -> r.category().equals(category) && r.actor() != null
                && userAgent.equals(r.actor().userAgent()));
        if (found.size() != 1) {
            throw new AssertionError("expected one " + category + " record from user agent " + userAgent + ", found " + found.size()
                    + ": " + found.stream().map(r -> r.action() + " " + r.status()).toList());
        }
        return found.getFirst();
    }
}

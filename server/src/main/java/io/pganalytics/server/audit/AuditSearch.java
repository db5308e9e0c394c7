package io.pganalytics.server.audit;

import io.pganalytics.common.audit.AuditPage;
import io.pganalytics.common.audit.AuditRecordView;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Reads audit records for {@code GET /audit}: one parameterised statement built from the filters present, newest
 * first, bounded by the page size. Free text is matched literally ({@code %}, {@code _} and {@code \} escaped).
 */
public final class AuditSearch {
    public static final int MAX_LIMIT = 500;
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_TEXT = 200;
    /** How long one search may run in the database before it is cancelled (free text over details scans). */
    private static final int STATEMENT_TIMEOUT_SECONDS = 30;

    private final DataSource dataSource;
    private final AuditViews views;

    public AuditSearch(DataSource dataSource, AuditViews views) {
        this.dataSource = dataSource;
        this.views = views;
    }

    public AuditPage page(AuditQuery query) {
        try (Connection c = dataSource.getConnection()) {
            long head = head(c);
            Optional<String> actorId = query.actor().isPresent() ? Optional.of(actorId(c, query.actor().get())) : Optional.empty();
            List<Object> args = new ArrayList<>();
            String where = where(query, actorId, args);
            // polling reads the oldest records after afterSeq, so that a client that polls again after the newest
            // one it got misses none; a page reads the newest before beforeSeq
            String order = query.polling() ? " ORDER BY seq ASC" : " ORDER BY seq DESC";
            List<StoredRecord> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + StoredRecord.COLUMNS + " FROM audit.record" + where + order + " LIMIT ?")) {
                ps.setQueryTimeout(STATEMENT_TIMEOUT_SECONDS);
                int i = 1;
                for (Object arg : args) {
                    ps.setObject(i++, arg);
                }
                ps.setInt(i, query.limit() + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(StoredRecord.read(rs));
                    }
                }
            }
            boolean more = rows.size() > query.limit();
            if (more) {
                rows.remove(rows.size() - 1);
            }
            if (query.polling()) {
                Collections.reverse(rows);
            }
            List<AuditRecordView> records = rows.stream().map(views::view).toList();
            Long nextBefore = !query.polling() && more ? rows.get(rows.size() - 1).seq() : null;
            // a poll that did not get everything continues after the newest record it got
            long headSeq = query.polling() && more ? rows.get(0).seq() : head;
            return new AuditPage(records, nextBefore, headSeq);
        } catch (SQLException e) {
            throw new IllegalStateException("searching the audit trail: " + e.getMessage(), e);
        }
    }

    static long head(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(seq), 0) FROM audit.record");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A user name's id, else a collector name's id, else the text itself taken as an id. */
    private static String actorId(Connection c, String actor) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id::text FROM auth_user WHERE lower(username) = lower(?)"
                + " UNION ALL SELECT id::text FROM collector WHERE name = ? LIMIT 1")) {
            ps.setString(1, actor);
            ps.setString(2, actor);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : actor;
            }
        }
    }

    private static String where(AuditQuery q, Optional<String> actorId, List<Object> args) {
        StringBuilder where = new StringBuilder(" WHERE true");
        actorId.ifPresent(id -> add(where, args, " AND actor_id = ?", id));
        q.action().ifPresent(action -> {
            if (action.endsWith("*")) {
                add(where, args, " AND action LIKE ? ESCAPE '\\'", escapeLike(action.substring(0, action.length() - 1)) + "%");
            } else {
                add(where, args, " AND action = ?", action);
            }
        });
        q.category().ifPresent(v -> add(where, args, " AND category = ?", v));
        q.resourceType().ifPresent(v -> add(where, args, " AND resource_type = ?", v));
        q.resourceId().ifPresent(v -> add(where, args, " AND resource_id = ?", v));
        q.outcome().ifPresent(v -> add(where, args, " AND outcome = ?", v));
        q.node().ifPresent(v -> add(where, args, " AND node = ?", v));
        q.from().ifPresent(v -> add(where, args, " AND at >= ?", Timestamp.from(v)));
        q.to().ifPresent(v -> add(where, args, " AND at < ?", Timestamp.from(v)));
        q.beforeSeq().ifPresent(v -> add(where, args, " AND seq < ?", v));
        q.afterSeq().ifPresent(v -> add(where, args, " AND seq > ?", v));
        q.text().ifPresent(text -> {
            String pattern = "%" + escapeLike(text) + "%";
            where.append(" AND (action ILIKE ? ESCAPE '\\' OR resource_type ILIKE ? ESCAPE '\\' OR resource_id ILIKE ? ESCAPE '\\'"
                    + " OR details ILIKE ? ESCAPE '\\')");
            for (int i = 0; i < 4; i++) {
                args.add(pattern);
            }
        });
        return where.toString();
    }

    private static void add(StringBuilder where, List<Object> args, String clause, Object value) {
        where.append(clause);
        args.add(value);
    }

    /** The text with LIKE's wildcards and escape character taken literally. */
    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}

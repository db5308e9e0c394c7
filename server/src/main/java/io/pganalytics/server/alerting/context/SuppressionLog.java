package io.pganalytics.server.alerting.context;

import com.fasterxml.jackson.core.type.TypeReference;
import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.common.alerting.SuppressedAlert;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What silences and maintenance windows held back ({@code alert_suppression}): recorded by the evaluator
 * ({@link #record}, in its transaction) and listed afterwards ({@code GET /silences/{id}/suppressed},
 * {@code GET /maintenance-windows/{id}/suppressed}).
 */
public final class SuppressionLog {
    static final int MAX_LISTED = 500;
    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {
    };

    private final ContextDb db;

    SuppressionLog(ContextDb db) {
        this.db = db;
    }

    /** The alerts one silence or window held back, most recently held first, at most {@code limit}. */
    List<SuppressedAlert> list(String kind, long sourceId, int limit) {
        return db.read("reading what " + kind + " " + sourceId + " held back", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT s.kind, s.source_id, s.first_at, s.last_at, a.*, r.name AS rule_name, i.name AS instance_name
                    FROM alert_suppression s JOIN alert a ON a.id = s.alert_id JOIN alert_rule r ON r.id = a.rule_id
                    LEFT JOIN monitored_instance i ON i.id = a.instance_id
                    WHERE s.kind = ? AND s.source_id = ? ORDER BY s.last_at DESC, a.id DESC LIMIT ?""")) {
                ps.setString(1, kind);
                ps.setLong(2, sourceId);
                ps.setInt(3, Math.min(limit, MAX_LISTED));
                List<SuppressedAlert> list = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        list.add(new SuppressedAlert(alert(rs), rs.getString("kind"), rs.getLong("source_id"),
                                ContextDb.instant(rs, "first_at"), ContextDb.instant(rs, "last_at")));
                    }
                }
                return list;
            }
        });
    }

    private AlertView alert(ResultSet rs) throws SQLException {
        double value = rs.getDouble("value");
        Double nullableValue = rs.wasNull() ? null : value;
        return new AlertView(rs.getLong("id"), rs.getLong("rule_id"), rs.getString("rule_name"), ContextDb.nullableLong(rs, "instance_id"),
                rs.getString("instance_name"), rs.getString("state"), rs.getString("severity"), db.parse(rs.getString("labels"), LABELS),
                rs.getString("summary"), nullableValue, ContextDb.instant(rs, "pending_since"), ContextDb.instant(rs, "fired_at"),
                ContextDb.instant(rs, "resolved_at"), ContextDb.nullableLong(rs, "incident_id"), rs.getBoolean("suppressed"),
                rs.getBoolean("was_suppressed"), ContextDb.nullableLong(rs, "anomaly_id"));
    }
}

package io.pganalytics.server.anomaly.hints;

import io.pganalytics.common.anomaly.AnomalyHint;
import io.pganalytics.server.crypto.Sealer;
import io.pganalytics.server.series.SettingValues;


import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Settings whose value changed in the window or just before it. The collector sends the key settings as a whole
 * snapshot when one changed (and at least every {@code settings-resend-after}), so each snapshot in the window is
 * compared with the one before it (found within {@link #PREVIOUS_LOOKBACK}). A setting added or removed counts too.
 * Magnitude: 0.7 (a changed setting is notable in itself; its timing ranks it).
 */
final class SettingHints {
    /** Opens settings values ingest sealed ({@code encryption.settings}). */
    private final Sealer sealer;

    SettingHints(Sealer sealer) {
        this.sealer = sealer;
    }

    /** How long before the window a change still counts ("just before"). */
    static final Duration JUST_BEFORE = Duration.ofMinutes(15);
    /** How far back the snapshot before the first one is looked for. */
    static final Duration PREVIOUS_LOOKBACK = Duration.ofDays(7);
    private static final int MAX_SNAPSHOTS = 50;
    private static final int MAX_ROWS = 10_000;
    private static final double MAGNITUDE = 0.7;

    private record Value(String setting, String unit) {
        String text() {
            return setting == null ? "(none)" : unit == null || unit.isEmpty() ? setting : setting + " " + unit;
        }
    }

    List<Found> find(Connection c, long instanceId, Instant from, Instant to) throws SQLException {
        Instant since = from.minus(JUST_BEFORE);
        Instant previous = null;
        try (PreparedStatement ps = Rows.prepare(c, "SELECT max(collected_at) AS at FROM ts.settings"
                + " WHERE instance_id = ? AND collected_at >= ? AND collected_at < ?", instanceId, since.minus(PREVIOUS_LOOKBACK), since);
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                previous = Rows.instant(rs, "at");
            }
        }
        Instant last = null;
        try (PreparedStatement ps = Rows.prepare(c, "SELECT collected_at FROM (SELECT DISTINCT collected_at FROM ts.settings"
                        + " WHERE instance_id = ? AND collected_at >= ? AND collected_at <= ?) s ORDER BY collected_at LIMIT ?",
                instanceId, since, to, MAX_SNAPSHOTS);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                last = Rows.instant(rs, "collected_at");
            }
        }
        if (last == null) {
            return List.of();
        }
        // snapshot time -> name -> value, oldest first
        TreeMap<Instant, Map<String, Value>> snapshots = new TreeMap<>();
        try (PreparedStatement ps = Rows.prepare(c, "SELECT collected_at, name, setting, setting_sealed, unit FROM ts.settings"
                        + " WHERE instance_id = ? AND collected_at >= ? AND collected_at <= ? ORDER BY collected_at, name LIMIT ?",
                instanceId, previous != null ? previous : since, last, MAX_ROWS);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String name = rs.getString("name");
                Instant at = Rows.instant(rs, "collected_at");
                String value = SettingValues.value(instanceId, name, at, rs.getString("setting"), rs.getBytes("setting_sealed"), sealer);
                snapshots.computeIfAbsent(at, t -> new LinkedHashMap<>())
                        .put(name, new Value(value, rs.getString("unit")));
            }
        }
        return changes(snapshots, since);
    }

    private static List<Found> changes(TreeMap<Instant, Map<String, Value>> snapshots, Instant since) {
        List<Found> found = new ArrayList<>();
        Map<String, Value> before = null;
        for (Map.Entry<Instant, Map<String, Value>> snapshot : snapshots.entrySet()) {
            Map<String, Value> now = snapshot.getValue();
            if (before != null && !snapshot.getKey().isBefore(since)) {
                Map<String, Value> all = new TreeMap<>(before);
                now.forEach(all::putIfAbsent);
                for (String name : all.keySet()) {
                    Value old = before.getOrDefault(name, new Value(null, null));
                    Value changed = now.getOrDefault(name, new Value(null, null));
                    if (!Objects.equals(old.setting(), changed.setting())) {
                        found.add(new Found(AnomalyHint.SETTING, name, old.text() + " -> " + changed.text(), "setting:" + name,
                                MAGNITUDE, snapshot.getKey()));
                    }
                }
            }
            before = now;
        }
        return found;
    }
}

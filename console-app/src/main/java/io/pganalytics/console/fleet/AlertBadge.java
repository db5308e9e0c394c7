package io.pganalytics.console.fleet;

import io.pganalytics.common.alerting.AlertCounts;

import java.util.List;

/**
 * What the fleet's Alerts column shows for one instance: how many alerts fire, its style class by the worst severity
 * ({@code alerts-critical}, {@code -warning}, {@code -info}; {@code alerts-quiet} when every one is acknowledged or
 * silenced; {@code alerts-none}) and a tooltip with the counts.
 */
public record AlertBadge(String text, String styleClass, String tooltip) {
    static final AlertBadge NONE = new AlertBadge("", "alerts-none", "Nothing firing");

    private static final List<String> WORST_FIRST = List.of("alerts-critical", "alerts-warning", "alerts-info", "alerts-quiet", "alerts-none");

    /** The badge's place when the column is sorted: critical first. */
    public int rank() {
        int rank = WORST_FIRST.indexOf(styleClass);
        return rank < 0 ? WORST_FIRST.size() : rank;
    }

    static AlertBadge of(AlertCounts c) {
        if (c == null) {
            return NONE;
        }
        int firing = c.critical() + c.warning() + c.info();
        if (firing == 0) {
            return NONE;
        }
        // an alert both acknowledged and silenced counts once in neither figure's excess: quiet when all are held
        boolean quiet = c.acknowledged() + c.suppressed() >= firing;
        String style = quiet ? "alerts-quiet" : c.critical() > 0 ? "alerts-critical" : c.warning() > 0 ? "alerts-warning" : "alerts-info";
        StringBuilder tooltip = new StringBuilder();
        if (c.critical() > 0) {
            tooltip.append(c.critical()).append(" critical");
        }
        if (c.warning() > 0) {
            tooltip.append(tooltip.isEmpty() ? "" : ", ").append(c.warning()).append(" warning");
        }
        if (c.info() > 0) {
            tooltip.append(tooltip.isEmpty() ? "" : ", ").append(c.info()).append(" info");
        }
        tooltip.append(" firing; ").append(c.acknowledged()).append(" acknowledged, ").append(c.suppressed()).append(" silenced");
        return new AlertBadge(firing + " firing", style, tooltip.toString());
    }
}

package io.pganalytics.console.fleet;

import io.pganalytics.common.backup.InstanceArchiving;
import io.pganalytics.console.common.Figures;

import java.time.Instant;

/**
 * What the fleet's Archiving column shows for one instance: a short word, its style class in the stylesheet
 * ({@code archiving-ok}, {@code -failing}, {@code -stale}, {@code -disabled}, {@code -unknown}) and a tooltip with the figures.
 */
public record ArchivingBadge(String text, String styleClass, String tooltip) {
    static final ArchivingBadge NONE = new ArchivingBadge(Figures.NONE, "archiving-unknown", "No archiving data from the server yet");

    private static final java.util.List<String> WORST_FIRST = java.util.List.of("archiving-failing", "archiving-stale",
            "archiving-disabled", "archiving-unknown", "archiving-ok");

    /** The badge's place when the column is sorted: failing first, as the server lists them. */
    public int rank() {
        int rank = WORST_FIRST.indexOf(styleClass);
        return rank < 0 ? WORST_FIRST.size() : rank;
    }

    static ArchivingBadge of(InstanceArchiving a, Instant now) {
        if (a == null) {
            return NONE;
        }
        String state = a.state() == null ? InstanceArchiving.UNKNOWN : a.state();
        String text = switch (state) {
            case InstanceArchiving.FAILING -> "failing";
            case InstanceArchiving.STALE -> "stale";
            case InstanceArchiving.DISABLED -> "off";
            case InstanceArchiving.OK -> "ok";
            default -> Figures.NONE;
        };
        String tooltip = switch (state) {
            case InstanceArchiving.FAILING -> "WAL archiving is failing: " + a.failedCount() + " failed attempts, the last on "
                    + a.lastFailedWal() + " " + Figures.ago(a.lastFailedAt(), now) + "; last success " + success(a, now);
            case InstanceArchiving.STALE -> "Nothing archived while completed WAL segments wait; last success " + success(a, now);
            case InstanceArchiving.DISABLED -> "archive_mode is " + a.archiveMode() + ": this instance does not archive WAL";
            case InstanceArchiving.OK -> a.archivedCount() + " segments archived; last success " + success(a, now);
            default -> "No archiver sample yet (a collector older than this server, or none collected)";
        };
        return new ArchivingBadge(text, "archiving-" + state, tooltip);
    }

    private static String success(InstanceArchiving a, Instant now) {
        return a.lastArchivedWal() == null ? "never (since the statistics reset)" : a.lastArchivedWal() + " " + Figures.ago(a.lastArchivedAt(), now);
    }
}

package io.pganalytics.server.query;

import io.pganalytics.common.backup.InstanceArchiving;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The state of a monitored database's WAL archiving, from its {@code archiver} samples. In order:
 * <ol>
 *   <li>{@code unknown}: no archiver sample within {@link QueryRepository#FRESHNESS} of the instance's latest
 *       collection (none yet, or a collector that does not send the family);</li>
 *   <li>{@code disabled}: {@code archive_mode} is off, or it is {@code on} on a standby (only {@code always} archives
 *       during recovery);</li>
 *   <li>{@code failing}: the newest failure is newer than the newest success (or nothing ever succeeded);</li>
 *   <li>{@code stale}: a WAL segment that was already complete at a sample taken at least the stale bound before the
 *       latest one is still not archived. The bound is {@code max(15 minutes, 2 x archive_timeout)}. "Complete" is
 *       known from {@code current_wal} (the segment being written): every segment before it is complete. When nothing
 *       was archived since the statistics were reset, a segment counts as complete and owed when the segment being
 *       written moved on between the earliest sample after the reset and that older sample;</li>
 *   <li>{@code ok} otherwise (also when the instance wrote no WAL: nothing is owed).</li>
 * </ol>
 */
final class ArchivingRules {
    /** The shortest time a completed segment may wait before the instance counts as stale. */
    static final Duration MIN_STALE_AFTER = Duration.ofMinutes(15);

    private static final Pattern SEGMENT = Pattern.compile("^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})");
    private static final Map<String, Integer> RANK = Map.of(InstanceArchiving.FAILING, 0, InstanceArchiving.STALE, 1,
            InstanceArchiving.DISABLED, 2, InstanceArchiving.UNKNOWN, 3, InstanceArchiving.OK, 4);

    /** Worst first (failing, stale, disabled, unknown, ok), then by name and id. */
    static final Comparator<InstanceArchiving> WORST_FIRST = Comparator
            .comparingInt((InstanceArchiving a) -> RANK.getOrDefault(a.state(), RANK.size()))
            .thenComparing(a -> a.instanceName() == null ? "" : a.instanceName().toLowerCase(Locale.ROOT))
            .thenComparing(InstanceArchiving::instanceId);

    private ArchivingRules() {
    }

    /**
     * One instance's latest archiver sample and what the stale rule needs.
     *
     * @param fresh        whether the sample is within the freshness window of the instance's latest collection
     * @param olderWal     {@code current_wal} of the newest sample at least the stale bound older than the latest, or null
     * @param earliestWal  {@code current_wal} of the earliest sample since the same statistics reset (within a day), or null
     */
    record Sample(String archiveMode, boolean inRecovery, long archivedCount, long failedCount, String lastArchivedWal,
                  Instant lastArchivedAt, String lastFailedWal, Instant lastFailedAt, String currentWal, Instant sampledAt,
                  boolean fresh, String olderWal, String earliestWal) {
    }

    static String state(Sample s) {
        if (s == null || !s.fresh()) {
            return InstanceArchiving.UNKNOWN;
        }
        String mode = s.archiveMode() == null ? "" : s.archiveMode();
        if (mode.equals("off") || (mode.equals("on") && s.inRecovery())) {
            return InstanceArchiving.DISABLED;
        }
        if (s.lastFailedAt() != null && (s.lastArchivedAt() == null || s.lastFailedAt().isAfter(s.lastArchivedAt()))) {
            return InstanceArchiving.FAILING;
        }
        return owesOldSegment(s) ? InstanceArchiving.STALE : InstanceArchiving.OK;
    }

    private static boolean owesOldSegment(Sample s) {
        long[] older = segment(s.olderWal());
        if (older == null) {
            return false;
        }
        if (s.lastArchivedWal() == null) {
            long[] earliest = segment(s.earliestWal());
            return earliest != null && compare(older, earliest) > 0;
        }
        long[] archived = segment(s.lastArchivedWal());
        // a history or backup-label file names no segment: nothing to compare with
        return archived != null && compare(older, archived) > 0 && !adjacent(archived, older);
    }

    /** {log, seg} of a WAL file name (timeline ignored: numbering goes on across timelines), or null. */
    static long[] segment(String walName) {
        if (walName == null) {
            return null;
        }
        Matcher m = SEGMENT.matcher(walName);
        if (!m.find() || walName.length() > 24 && walName.charAt(24) != '.') {
            return null;
        }
        return new long[] {Long.parseLong(m.group(2), 16), Long.parseLong(m.group(3), 16)};
    }

    private static int compare(long[] a, long[] b) {
        int log = Long.compare(a[0], b[0]);
        return log != 0 ? log : Long.compare(a[1], b[1]);
    }

    /**
     * Whether {@code b} directly follows {@code a}. The segments per log file depend on wal_segment_size, which the
     * sample does not carry, so the first segment of the next log counts as following any segment of the previous one.
     */
    private static boolean adjacent(long[] a, long[] b) {
        return (b[0] == a[0] && b[1] == a[1] + 1) || (b[0] == a[0] + 1 && b[1] == 0);
    }

    static InstanceArchiving view(long id, String name, Sample s) {
        String state = state(s);
        if (s == null) {
            return new InstanceArchiving(Long.toString(id), name, state, null, 0, 0, null, null, null, null, null);
        }
        return new InstanceArchiving(Long.toString(id), name, state, s.archiveMode(), s.archivedCount(), s.failedCount(),
                s.lastArchivedWal(), s.lastArchivedAt(), s.lastFailedWal(), s.lastFailedAt(), s.sampledAt());
    }

    static List<InstanceArchiving> worstFirst(List<InstanceArchiving> views) {
        return views.stream().sorted(WORST_FIRST).toList();
    }
}

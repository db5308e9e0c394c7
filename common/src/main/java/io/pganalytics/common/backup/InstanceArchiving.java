package io.pganalytics.common.backup;

import java.time.Instant;

/**
 * {@code GET /api/v1/archiving}: a monitored database's own WAL archiving, from its latest {@code pg_stat_archiver}
 * sample, so that a DBA sees at once which databases stopped archiving.
 *
 * @param instanceId        the instance
 * @param instanceName      its display name
 * @param state             {@link #OK}, {@link #FAILING} (the last attempt failed after the last success),
 *                          {@link #STALE} (nothing archived for longer than expected while it writes WAL),
 *                          {@link #DISABLED} ({@code archive_mode} off) or {@link #UNKNOWN} (no sample yet)
 * @param archiveMode       the instance's {@code archive_mode}
 * @param archivedCount     segments archived since the statistics were reset
 * @param failedCount       failed attempts since then
 * @param lastArchivedWal   the newest segment archived
 * @param lastArchivedAt    when it was archived
 * @param lastFailedWal     the segment of the newest failure
 * @param lastFailedAt      when it failed
 * @param sampledAt         when this was read from the instance
 */
public record InstanceArchiving(String instanceId, String instanceName, String state, String archiveMode, long archivedCount,
                                long failedCount, String lastArchivedWal, Instant lastArchivedAt, String lastFailedWal,
                                Instant lastFailedAt, Instant sampledAt) {
    public static final String OK = "ok";
    public static final String FAILING = "failing";
    public static final String STALE = "stale";
    public static final String DISABLED = "disabled";
    public static final String UNKNOWN = "unknown";
}

package io.pganalytics.common.backup;

/**
 * {@code POST /api/v1/backups}: back up now.
 *
 * @param kind {@code full} (the default when null), {@code differential} or {@code incremental} (pgBackRest only)
 */
public record StartBackupRequest(String kind) {
}

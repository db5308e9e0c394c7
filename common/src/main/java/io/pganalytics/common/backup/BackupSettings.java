package io.pganalytics.common.backup;

/**
 * {@code GET/PUT /api/v1/backups/settings}: the schedule and retention, every duration in the product's grammar
 * ({@code 1d}, {@code 6h}, {@code P7D}). In a PUT, a null field is left as it is.
 *
 * @param fullEvery         how often a full backup is taken ({@code 1d})
 * @param fullAt            the time of day (UTC, {@code HH:mm}) a daily or longer full backup starts ({@code 01:00})
 * @param differentialEvery how often a differential backup is taken between full ones; {@code off} for none
 *                          (pgBackRest only; the embedded engine takes full backups and archives WAL continuously)
 * @param chainVerifyEvery  how often the whole chain (newest backup plus WAL to now) is restored and checked ({@code 7d})
 * @param retainFull        how many full backups are kept (at least 1)
 * @param retainFor         how long a full backup is kept at most, however many there are ({@code 30d})
 */
public record BackupSettings(String fullEvery, String fullAt, String differentialEvery, String chainVerifyEvery,
                             Integer retainFull, String retainFor) {
    public static final String OFF = "off";
}

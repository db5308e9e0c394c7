package io.pganalytics.common.backup;

/**
 * {@code POST /api/v1/backups/restore}: restore into a new place, never over the live database.
 *
 * @param to     {@code latest}, or an ISO-8601 instant ({@code 2026-12-07T08:30:00Z}) inside a recovery window
 * @param target a directory on the server's host that does not exist or is empty (embedded engine), or the
 *               PostgreSQL data directory pgBackRest restores into (pgBackRest engine)
 * @param dryRun true: only plan and check; nothing is written
 */
public record RestoreRequest(String to, String target, boolean dryRun) {
    public static final String LATEST = "latest";
}

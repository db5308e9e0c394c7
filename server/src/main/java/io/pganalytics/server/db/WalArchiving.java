package io.pganalytics.server.db;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Continuous WAL archiving of the embedded PostgreSQL (docs/backup/embedded.md).
 *
 * @param outbox  the directory {@code basic_archive} writes finished segments into, on the database's own disk
 * @param timeout {@code archive_timeout}: the longest a segment stays open before it is handed over
 */
public record WalArchiving(Path outbox, Duration timeout) {
}

/**
 * Backup and recovery of the product's own database (docs/BACKUP-AND-RECOVERY.md): one catalogue
 * ({@link io.pganalytics.server.backup.BackupCatalog}), two engines behind {@link io.pganalytics.server.backup.BackupEngine}
 * (the embedded engine for the embedded PostgreSQL, pgBackRest for an external one), encrypted repositories
 * ({@link io.pganalytics.server.backup.BackupStore}, {@link io.pganalytics.server.backup.SealedStreams}), verification by
 * real restores, a copy in a second region, and the API the console drives.
 */
package io.pganalytics.server.backup;

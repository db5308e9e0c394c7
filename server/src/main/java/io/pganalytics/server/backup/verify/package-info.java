/**
 * Verification of backups by real restores (docs/backup/verification.md): a backup (or the whole chain to the latest
 * point) is restored into a scratch directory through the engine, started with PostgreSQL's own binaries on a private
 * port, checked ({@link io.pganalytics.server.backup.verify.ScratchVerifier}), stopped and thrown away; the result goes
 * into the catalogue ({@link io.pganalytics.server.backup.verify.BackupVerification}).
 */
package io.pganalytics.server.backup.verify;

/**
 * Restoring an embedded-engine repository without a database (docs/backup/restore.md): recovery windows computed from
 * the signed manifests and the archived WAL ({@link io.pganalytics.server.backup.restore.RecoveryWindows}), the base
 * backup unpacked safely ({@link io.pganalytics.server.backup.restore.TarUnpacker}), and the settings that make the
 * restored directory recover on its first start ({@link io.pganalytics.server.backup.restore.RecoverySettings}).
 */
package io.pganalytics.server.backup.restore;

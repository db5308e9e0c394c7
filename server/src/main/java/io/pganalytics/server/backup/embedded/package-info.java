/**
 * The embedded engine (docs/backup/embedded.md): the server backs up its own embedded PostgreSQL. {@link
 * io.pganalytics.server.backup.embedded.WalShipper} moves the WAL PostgreSQL archived into {@code <data-dir>/wal-outbox}
 * into the repository as sealed objects; {@link io.pganalytics.server.backup.embedded.BaseBackup} takes a full backup with
 * the low-level backup API; {@link io.pganalytics.server.backup.embedded.EmbeddedEngine} puts them behind the engine seam
 * with expiry and the repository's marker. Every object is in the format of docs/backup/format.md.
 */
package io.pganalytics.server.backup.embedded;

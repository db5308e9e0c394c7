/**
 * The pgBackRest engine (docs/backup/pgbackrest.md): backs up an external PostgreSQL or TimescaleDB by driving the
 * {@code pgbackrest} program. The server writes pgBackRest's configuration (owner-only), keeps the repository's
 * encryption passphrase sealed under the key-encryption key and hands it to pgBackRest through the child's environment
 * only, mirrors {@code pgbackrest info} into the catalogue, and computes recovery windows from the repository itself.
 */
package io.pganalytics.server.backup.pgbackrest;

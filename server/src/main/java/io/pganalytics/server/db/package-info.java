/**
 * The server's database: an external PostgreSQL through HikariCP, or an embedded one (zonky binaries) persisted in
 * the data directory; the versioned migrations applied at start; the time-series dialect (TimescaleDB when the
 * extension is available, plain PostgreSQL otherwise); and the Ebean {@code Database} for metadata entities.
 */
package io.pganalytics.server.db;

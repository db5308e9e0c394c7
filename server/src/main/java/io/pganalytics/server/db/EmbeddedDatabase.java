package io.pganalytics.server.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The embedded PostgreSQL as the backup engine sees it: where its files are, which programs run it, and a superuser
 * connection for the low-level backup API. Present only with the embedded database.
 */
public final class EmbeddedDatabase {
    /**
     * The directory inside a restored data directory that holds its decrypted WAL until recovery has read it; the
     * server deletes it once the restored database has recovered.
     */
    public static final String RESTORE_STAGING = "pganalytics-restore-wal";
    private final EmbeddedPostgresServer server;

    EmbeddedDatabase(EmbeddedPostgresServer server) {
        this.server = server;
    }

    /** The data directory, {@code <data-dir>/postgres}. */
    public Path pgData() {
        return server.pgData();
    }

    /** The binaries' directory ({@code bin/} holds {@code initdb}, {@code pg_ctl}, {@code postgres}). */
    public Path bin() {
        return server.install().resolve("bin");
    }

    public int port() {
        return server.port();
    }

    /** A new superuser connection to the product's database; the caller closes it. */
    public Connection superuser() throws SQLException {
        return server.superuser();
    }
}

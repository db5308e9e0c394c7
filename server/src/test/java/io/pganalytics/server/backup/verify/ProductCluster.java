package io.pganalytics.server.backup.verify;

import io.pganalytics.server.db.Migrations;
import io.pganalytics.server.db.Postmaster;
import io.pganalytics.server.db.TestPostgresBinaries;
import io.pganalytics.server.db.TimeSeriesDialect;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A PostgreSQL data directory holding the product's schema (initdb with the embedded binaries, the product's
 * migrations, two samples in {@code ts.instance}), stopped cleanly: what a restore of a real backup gives, for tests
 * of the verifier and of the service with an engine of their own.
 */
public final class ProductCluster {
    static final String PASSWORD = "a superuser password for tests";
    private static Path template;

    private ProductCluster() {
    }

    /** Makes one in {@code data} (which must not exist). */
    public static Path make(Path data) throws IOException, SQLException {
        Postmaster postmaster = new Postmaster(TestPostgresBinaries.bin().getParent(), data, data.resolveSibling(data.getFileName() + "-initdb.log"));
        postmaster.initdb(PASSWORD);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        postmaster.start(port, Map.of("listen_addresses", "127.0.0.1", "unix_socket_directories", ""), Duration.ofMinutes(1));
        try {
            try (Connection c = dataSource(port, "postgres").getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE pganalytics");
            }
            PGSimpleDataSource product = dataSource(port, "pganalytics");
            Migrations.apply(product, TimeSeriesDialect.PLAIN);
            try (Connection c = product.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE ts.instance_test PARTITION OF ts.instance FOR VALUES FROM ('2026-12-01') TO ('2026-12-31')");
                st.execute("INSERT INTO ts.instance (instance_id, collected_at, connections) VALUES (1, '2026-12-07T08:00:00Z', 3),"
                        + " (1, '2026-12-07T08:01:00Z', 4)");
            }
        } finally {
            postmaster.stop("fast", Duration.ofMinutes(1));
        }
        return data;
    }

    /** Copies one made once per test JVM into {@code target} (absent or empty), keeping its owner-only permissions. */
    public static void copyInto(Path target) {
        try {
            Path source = template();
            try (Stream<Path> paths = Files.walk(source)) {
                for (Path path : paths.toList()) {
                    Path to = target.resolve(source.relativize(path).toString());
                    if (Files.isDirectory(path)) {
                        Files.createDirectories(to);
                        Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(path));
                    } else {
                        Files.copy(path, to, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized Path template() throws IOException {
        if (template == null) {
            try {
                template = make(Files.createTempDirectory("pganalytics-product-cluster").resolve("data"));
            } catch (SQLException e) {
                throw new IOException("making the product's cluster: " + e.getMessage(), e);
            }
        }
        return template;
    }

    private static PGSimpleDataSource dataSource(int port, String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:" + port + "/" + database);
        ds.setUser("postgres");
        ds.setPassword(PASSWORD);
        return ds;
    }
}

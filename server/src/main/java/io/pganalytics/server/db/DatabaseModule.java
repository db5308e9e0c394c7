package io.pganalytics.server.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import io.ebean.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The database as the rest of the server sees it: a pool, the Ebean {@link Database} for metadata, and the chosen
 * time-series dialect. Starting it starts the embedded PostgreSQL when no URL is configured, then migrates.
 */
public final class DatabaseModule implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseModule.class);

    private final EmbeddedPostgresServer embedded;
    private final HikariDataSource pool;
    private final Database ebean;
    private final TimeSeriesDialect dialect;

    private DatabaseModule(EmbeddedPostgresServer embedded, HikariDataSource pool, Database ebean, TimeSeriesDialect dialect) {
        this.embedded = embedded;
        this.pool = pool;
        this.ebean = ebean;
        this.dialect = dialect;
    }

    public static DatabaseModule start(DatabaseConfig config, Path dataDir, Clock clock) {
        return start(config, dataDir, clock, Optional.empty());
    }

    /** As above; with {@code archiving}, an embedded PostgreSQL archives its WAL (ignored for an external database). */
    public static DatabaseModule start(DatabaseConfig config, Path dataDir, Clock clock, Optional<WalArchiving> archiving) {
        EmbeddedPostgresServer embedded = null;
        HikariDataSource pool = null;
        try {
            String url;
            if (config.embedded()) {
                embedded = EmbeddedPostgresServer.start(dataDir, config.embeddedPort(), archiving);
                url = embedded.jdbcUrl();
                pool = pool(config, url, embedded.user(), Optional.of(embedded.password()));
            } else {
                url = config.url().orElseThrow();
                pool = pool(config, url, config.user(), config.password());
            }
            TimeSeriesDialect dialect;
            try (Connection c = pool.getConnection()) {
                int major = c.getMetaData().getDatabaseMajorVersion();
                if (major < 13) {
                    throw new IllegalStateException("PostgreSQL " + major + " at " + DatabaseConfig.redact(url)
                            + " is too old: pgAnalytics needs 13 or newer");
                }
                dialect = TimeSeriesDialect.choose(config.timeseriesDialect(), c);
                LOG.info("database: PostgreSQL {} at {}, time-series dialect {}", c.getMetaData().getDatabaseProductVersion(),
                        DatabaseConfig.redact(url), dialect.folder());
            }
            if (embedded != null) {
                embedded.beforeMigrations();
            }
            Migrations.apply(pool, dialect);
            if (embedded != null) {
                embedded.afterMigrations();
            }
            Database ebean = Database.builder()
                    .name("pganalytics")
                    .dataSource(pool)
                    // Not put in Ebean's static registry (no global state: two nodes can share a JVM in tests), but
                    // flagged default, which is what makes the generated EntityClassRegister hand it our entities.
                    .register(false)
                    .defaultDatabase(true)
                    .ddlGenerate(false)
                    .ddlRun(false)
                    .runMigration(false)
                    // The server stops Ebean itself (close(), after the features that still write); Ebean's own JVM
                    // hook would stop its executor first and fail the last heartbeat commit's notification.
                    .shutdownHook(false)
                    .clock(clock)
                    .databasePlatformName("postgres")
                    .build();
            return new DatabaseModule(embedded, pool, ebean, dialect);
        } catch (SQLException e) {
            closeQuietly(pool, embedded);
            throw new IllegalStateException("cannot use the database: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(pool, embedded);
            throw e;
        }
    }

    private static HikariDataSource pool(DatabaseConfig config, String url, String user, Optional<String> password) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("pganalytics-db");
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("ApplicationName", "pganalytics-server");
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("reWriteBatchedInserts", "true");
        // the pool's connections come through a source that waits for a restarting database (see PatientDataSource)
        hikari.setDataSource(new PatientDataSource(new DriverDataSource(url, null, properties, user, password.orElse(null)),
                config.connectionTimeout()));
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(Math.min(2, config.poolSize()));
        hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
        hikari.setValidationTimeout(Math.min(config.connectionTimeout().toMillis(), 2000));
        hikari.setInitializationFailTimeout(config.embedded() ? 1 : 30_000);
        // Ebean and every JDBC user of this pool manage their own transactions.
        hikari.setAutoCommit(false);
        return new HikariDataSource(hikari);
    }

    /**
     * The embedded PostgreSQL's port on 127.0.0.1; empty with an external database. Every connection to it needs a
     * password: the superuser's is in {@code <data-dir>/postgres-superuser-password}.
     */
    public OptionalInt embeddedPort() {
        return embedded == null ? OptionalInt.empty() : OptionalInt.of(embedded.port());
    }

    /** The embedded PostgreSQL, for its backup engine; empty with an external database. */
    public Optional<EmbeddedDatabase> embedded() {
        return embedded == null ? Optional.empty() : Optional.of(new EmbeddedDatabase(embedded));
    }

    public DataSource dataSource() {
        return pool;
    }

    public Database ebean() {
        return ebean;
    }

    public TimeSeriesDialect dialect() {
        return dialect;
    }

    /** For readiness: can a connection be had and does it answer within the timeout. */
    public boolean isReachable(Duration timeout) {
        try (Connection c = pool.getConnection()) {
            return c.isValid((int) Math.max(1, timeout.toSeconds()));
        } catch (SQLException e) {
            return false;
        }
    }

    public int activeConnections() {
        var bean = pool.getHikariPoolMXBean();
        return bean == null ? 0 : bean.getActiveConnections();
    }

    public int idleConnections() {
        var bean = pool.getHikariPoolMXBean();
        return bean == null ? 0 : bean.getIdleConnections();
    }

    @Override
    public void close() {
        try {
            ebean.shutdown(false, false);
        } catch (RuntimeException e) {
            LOG.warn("closing Ebean: {}", e.getMessage());
        }
        closeQuietly(pool, embedded);
    }

    private static void closeQuietly(HikariDataSource pool, EmbeddedPostgresServer embedded) {
        if (pool != null) {
            pool.close();
        }
        if (embedded != null) {
            embedded.close();
        }
    }
}

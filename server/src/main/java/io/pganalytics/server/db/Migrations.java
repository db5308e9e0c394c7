package io.pganalytics.server.db;

import io.ebean.migration.MigrationConfig;
import io.ebean.migration.MigrationResource;
import io.ebean.migration.MigrationRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.List;

/**
 * Applies the versioned SQL migrations of the db-migrations module with ebean-migration: first the shared set
 * ({@code dbmigration/}), then the time-series dialect's own steps ({@code dbmigration-timeseries/<dialect>/}),
 * each with its own history table. A second start applies nothing; a failing migration stops start-up with an
 * error that names the file and the statement.
 */
public final class Migrations {
    static final String CORE_PATH = "dbmigration";
    static final String CORE_TABLE = "pga_migration";
    static final String TIMESERIES_PATH = "dbmigration-timeseries/";
    static final String TIMESERIES_TABLE = "pga_migration_timeseries";
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {
    }

    /** Applies both sets; returns how many migrations ran. */
    public static int apply(DataSource dataSource, TimeSeriesDialect dialect) {
        return apply(dataSource, CORE_PATH, CORE_TABLE) + apply(dataSource, TIMESERIES_PATH + dialect.folder(), TIMESERIES_TABLE);
    }

    /** Applies one migration folder (visible for tests that run a broken set). */
    public static int apply(DataSource dataSource, String path, String historyTable) {
        MigrationConfig config = new MigrationConfig();
        config.setMigrationPath("classpath:" + path);
        config.setMetaTable(historyTable);
        config.setPlatform("postgres");
        config.setName("pganalytics");
        MigrationRunner runner = new MigrationRunner(config);
        List<MigrationResource> pending = runner.checkState(dataSource);
        if (pending.isEmpty()) {
            LOG.info("migrations {}: up to date", path);
            return 0;
        }
        try {
            runner.run(dataSource);
        } catch (RuntimeException e) {
            throw new MigrationFailedException(describeFailure(path, pending, e), e);
        }
        LOG.info("migrations {}: applied {} ({})", path, pending.size(),
                pending.stream().map(MigrationResource::location).toList());
        return pending.size();
    }

    /**
     * ebean-migration runs all pending migrations of a folder in one transaction, so after a failure none of them is
     * applied; the failing file is the pending one whose text holds the failing statement.
     */
    private static String describeFailure(String path, List<MigrationResource> pending, RuntimeException e) {
        String statement = null;
        String sqlMessage = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                sqlMessage = sql.getMessage();
            }
            String message = t.getMessage();
            int start = message == null ? -1 : message.indexOf("Error executing [");
            if (statement == null && start >= 0) {
                start += "Error executing [".length();
                int end = message.indexOf("] error[", start);
                statement = (end > start ? message.substring(start, end) : message.substring(start)).strip();
            }
        }
        String file = pending.getFirst().location();
        if (statement != null) {
            for (MigrationResource resource : pending) {
                if (resource.content().contains(statement)) {
                    file = resource.location();
                    break;
                }
            }
        }
        return "migration " + file + " failed"
                + (statement == null ? "" : " at statement: " + abbreviate(statement))
                + " -- " + sqlMessage + " (no migration of " + path + " was applied)";
    }

    private static String abbreviate(String sql) {
        String flat = sql.replaceAll("\\s+", " ");
        return flat.length() <= 300 ? flat : flat.substring(0, 300) + "...";
    }

    /** A migration failed: start-up stops. */
    public static final class MigrationFailedException extends RuntimeException {
        MigrationFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

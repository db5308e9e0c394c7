package io.pganalytics.collector.target;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The collector's connections to one target: never more than two at once.
 * <ul>
 *   <li>one HikariCP pool of a single connection to the configured database, for instance-wide views;</li>
 *   <li>one "database slot": a single plain connection to whichever database's per-database views are being
 *       read, kept open while the next read is for the same database and closed when idle, switched (closed,
 *       then reopened) when another database is read.</li>
 * </ul>
 * Every unit of work runs in a {@code BEGIN READ ONLY} transaction with {@code SET LOCAL statement_timeout} and
 * {@code lock_timeout}, and ends with a rollback: nothing the collector does can write, and a crashed collector
 * holds no snapshot. The same limits are also passed as connection options as a safety net.
 */
public final class TargetConnections implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TargetConnections.class);
    /** What pg_stat_activity shows for the collector's sessions. */
    public static final String APPLICATION_NAME = "pganalytics-collector";
    private static final String TOO_MANY_CONNECTIONS = "53300";

    private final TargetSpec spec;
    private final ConnectionSettings settings;
    private final HikariDataSource pool;
    private final Semaphore databaseSlot = new Semaphore(1, true);
    private Connection slotConnection;
    private String slotDatabase;
    private long slotLastUsedNanos;
    private volatile boolean closed;

    public TargetConnections(TargetSpec spec, ConnectionSettings settings) {
        this(spec, settings, null);
    }

    /**
     * @param housekeeping where the pool's periodic checks run, shared by the targets of a collector (null: a thread of
     *                     the pool's own). HikariCP otherwise starts a housekeeper thread per pool, one per target.
     */
    public TargetConnections(TargetSpec spec, ConnectionSettings settings, ScheduledExecutorService housekeeping) {
        this.spec = spec;
        this.settings = settings;
        HikariConfig config = new HikariConfig();
        config.setPoolName("pganalytics-" + spec.name());
        config.setDataSource(dataSource(spec.database()));
        config.setMaximumPoolSize(1);
        config.setMinimumIdle(0);
        config.setIdleTimeout(Math.max(10_000, settings.idleClose().toMillis() * 4));
        config.setMaxLifetime(Duration.ofMinutes(30).toMillis());
        config.setConnectionTimeout(settings.connectTimeout().toMillis() + 250);
        config.setValidationTimeout(Math.max(250, settings.connectTimeout().toMillis()));
        config.setInitializationFailTimeout(-1);
        config.setReadOnly(false);
        config.setScheduledExecutor(housekeeping);
        this.pool = new HikariDataSource(config);
    }

    public TargetSpec spec() {
        return spec;
    }

    public ConnectionSettings settings() {
        return settings;
    }

    /** Runs work on the configured database's pooled connection. */
    public <T> T onInstance(Duration statementTimeout, QueryTimer timer, SqlWork<T> work) throws SQLException {
        ensureOpen();
        Connection connection;
        try {
            connection = pool.getConnection();
        } catch (SQLTransientConnectionException e) {
            throw new SQLTransientConnectionException("target " + spec.name() + ": no connection to " + spec.host() + ":"
                    + spec.port() + "/" + spec.database() + " within " + settings.connectTimeout().toMillis()
                    + " ms (pool active=" + pool.getHikariPoolMXBean().getActiveConnections() + ", total="
                    + pool.getHikariPoolMXBean().getTotalConnections() + "): " + rootMessage(e), "08001", e);
        }
        boolean broken = false;
        try {
            return inTransaction(connection, spec.database(), statementTimeout, timer, work);
        } catch (SQLException e) {
            broken = isConnectionError(e);
            throw e;
        } finally {
            if (broken || !endTransaction(connection)) {
                pool.evictConnection(connection);
            } else {
                connection.close();
            }
        }
    }

    /**
     * Runs work connected to the given database through the database slot. Waits at most the connect timeout
     * for the slot (another per-database read of this target may hold it).
     */
    public <T> T onDatabase(String database, Duration statementTimeout, QueryTimer timer, SqlWork<T> work) throws SQLException {
        ensureOpen();
        try {
            if (!databaseSlot.tryAcquire(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new SQLTransientConnectionException("target " + spec.name() + ": the per-database connection is busy", "08001");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException("target " + spec.name() + ": interrupted waiting for a connection", "08001", e);
        }
        try {
            Connection connection = slotConnectionFor(database);
            boolean keep = false;
            try {
                T result = inTransaction(connection, database, statementTimeout, timer, work);
                keep = true;
                return result;
            } catch (SQLException e) {
                keep = !isConnectionError(e);
                throw e;
            } finally {
                if (!endTransaction(connection) || !keep) {
                    closeSlotConnection();
                }
                slotLastUsedNanos = System.nanoTime();
            }
        } finally {
            databaseSlot.release();
        }
    }

    /** Closes the per-database connection if it has been idle longer than {@link ConnectionSettings#idleClose()}. */
    public void closeIdle() {
        if (databaseSlot.tryAcquire()) {
            try {
                if (slotConnection != null && System.nanoTime() - slotLastUsedNanos > settings.idleClose().toNanos()) {
                    closeSlotConnection();
                }
            } finally {
                databaseSlot.release();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        pool.close();
        try {
            if (databaseSlot.tryAcquire(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                try {
                    closeSlotConnection();
                } finally {
                    databaseSlot.release();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True when the failure is about the connection (unreachable, refused, dropped), not the query. */
    public static boolean isConnectionError(SQLException e) {
        if (e instanceof SQLTransientConnectionException || e instanceof java.sql.SQLNonTransientConnectionException) {
            return true;
        }
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("28") || state.equals("57P01")
                || state.equals("57P02") || state.equals("57P03") || state.equals("3D000"));
    }

    private void ensureOpen() throws SQLException {
        if (closed) {
            throw new SQLTransientConnectionException("target " + spec.name() + ": connections are closed", "08003");
        }
    }

    private Connection slotConnectionFor(String database) throws SQLException {
        if (slotConnection != null && database.equals(slotDatabase)) {
            return slotConnection;
        }
        closeSlotConnection();
        for (int attempt = 1; ; attempt++) {
            try {
                slotConnection = dataSource(database).getConnection();
                slotDatabase = database;
                return slotConnection;
            } catch (SQLException e) {
                // the backend of the connection just closed may still be exiting and count against a
                // CONNECTION LIMIT (or max_connections): give it a moment before giving up
                if (TOO_MANY_CONNECTIONS.equals(e.getSQLState()) && attempt < 4) {
                    pause(50L << attempt);
                    continue;
                }
                throw new SQLException("target " + spec.name() + ": cannot connect to database " + database + ": "
                        + e.getMessage(), e.getSQLState(), e);
            }
        }
    }

    private static void pause(long millis) throws SQLException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException("interrupted while connecting", "08001", e);
        }
    }

    private void closeSlotConnection() {
        if (slotConnection != null) {
            try {
                slotConnection.close();
            } catch (SQLException e) {
                LOG.debug("target {}: closing the connection to database {} failed: {}", spec.name(), slotDatabase, e.getMessage());
            }
            slotConnection = null;
            slotDatabase = null;
        }
    }

    private <T> T inTransaction(Connection connection, String database, Duration statementTimeout, QueryTimer timer,
                                SqlWork<T> work) throws SQLException {
        Session session = new Session(connection, database, timer);
        session.execute("BEGIN TRANSACTION READ ONLY");
        long statementMillis = Math.max(1, statementTimeout.toMillis());
        long lockMillis = Math.max(1, Math.min(settings.lockTimeout().toMillis(), statementMillis));
        session.execute("SELECT set_config('statement_timeout', '" + statementMillis + "', true), "
                + "set_config('lock_timeout', '" + lockMillis + "', true)");
        return work.run(session);
    }

    /** Rolls back; false when the connection can no longer be trusted. */
    private boolean endTransaction(Connection connection) {
        try {
            if (connection.isClosed()) {
                return false;
            }
            new Session(connection, null, null).execute("ROLLBACK");
            return true;
        } catch (SQLException e) {
            LOG.debug("target {}: rollback failed, dropping the connection: {}", spec.name(), e.getMessage());
            return false;
        }
    }

    private PGSimpleDataSource dataSource(String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {spec.host()});
        ds.setPortNumbers(new int[] {spec.port()});
        ds.setDatabaseName(database);
        ds.setUser(spec.user());
        if (spec.password() != null) {
            ds.setPassword(spec.password());
        }
        ds.setApplicationName(APPLICATION_NAME);
        int connectSeconds = (int) Math.max(1, (settings.connectTimeout().toMillis() + 999) / 1000);
        ds.setConnectTimeout(connectSeconds);
        ds.setLoginTimeout(connectSeconds);
        // a safety net under statement_timeout: a dead server cannot hang a worker for ever
        ds.setSocketTimeout((int) Math.max(10, settings.statementTimeout().toSeconds() * 6));
        ds.setTcpKeepAlive(true);
        // startup-packet parameters instead of a SET after connecting: no untagged statement of the driver's own
        ds.setAssumeMinServerVersion("13");
        ds.setOptions("-c statement_timeout=" + settings.statementTimeout().toMillis()
                + " -c lock_timeout=" + settings.lockTimeout().toMillis()
                + " -c idle_in_transaction_session_timeout=60000");
        for (Map.Entry<String, String> property : spec.connectionProperties().entrySet()) {
            try {
                ds.setProperty(property.getKey(), property.getValue());
            } catch (SQLException e) {
                throw new IllegalArgumentException("target " + spec.name() + ": unknown connection property "
                        + property.getKey(), e);
            }
        }
        return ds;
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }
}

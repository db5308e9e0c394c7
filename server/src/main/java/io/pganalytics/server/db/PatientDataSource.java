package io.pganalytics.server.db;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * The pool's source of new connections, which waits for a database that refuses them (stopped, restarting, starting
 * up) by trying again every {@link #RETRY_EVERY} for up to {@code patience}, before it reports the failure. HikariCP
 * sleeps between failed attempts with a backoff that grows to 5 s: after an outage of more than a few seconds, the
 * pool then noticed the database's return up to 5 s late (the failover bench measured 3.6 s and 4.6 s). With each
 * attempt lasting {@code patience}, the pool's backoff stays in milliseconds for outages under about 45 s, and a
 * connection is made within {@link #RETRY_EVERY} of the database accepting connections again.
 * <p>
 * Only refusals are waited for: a wrong password or a missing database fail at once.
 */
final class PatientDataSource implements DataSource {
    static final Duration RETRY_EVERY = Duration.ofMillis(100);

    private final DataSource delegate;
    private final Duration patience;

    PatientDataSource(DataSource delegate, Duration patience) {
        this.delegate = delegate;
        this.patience = patience;
    }

    @Override
    public Connection getConnection() throws SQLException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                return delegate.getConnection();
            } catch (SQLException e) {
                if (!refused(e) || System.nanoTime() + RETRY_EVERY.toNanos() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(RETRY_EVERY);  // the database refused: try again shortly, bounded by the deadline above
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** 08001/08004/08006: no connection could be made or it broke at once; 57P03: the server is starting or stopping. */
    static boolean refused(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.equals("08001") || state.equals("08004") || state.equals("08006") || state.equals("57P03"));
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the pool's credentials are its source's");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        return delegate.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || delegate.isWrapperFor(type);
    }
}

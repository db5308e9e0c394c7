package io.pganalytics.collector.target;

import java.sql.SQLException;

/** Work done inside one read-only, time-limited transaction on one connection. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Session session) throws SQLException;
}

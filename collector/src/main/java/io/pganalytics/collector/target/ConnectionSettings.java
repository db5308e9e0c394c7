package io.pganalytics.collector.target;

import java.time.Duration;

/**
 * How the collector talks to a target's PostgreSQL.
 *
 * @param connectTimeout   TCP connect plus login; also how long a caller waits for the target's connection
 * @param statementTimeout default {@code statement_timeout} of a probe (each call may pass its own)
 * @param lockTimeout      {@code lock_timeout} of every probe: the collector never queues behind DDL for long
 * @param idleClose        a per-database connection idle this long is closed
 */
public record ConnectionSettings(Duration connectTimeout, Duration statementTimeout, Duration lockTimeout, Duration idleClose) {
    private static final Duration DEFAULTS_CONNECT = Duration.ofSeconds(5);
    private static final Duration DEFAULTS_STATEMENT = Duration.ofSeconds(5);
    private static final Duration DEFAULTS_LOCK = Duration.ofSeconds(1);
    private static final Duration DEFAULTS_IDLE = Duration.ofSeconds(30);

    public static final ConnectionSettings DEFAULTS = new ConnectionSettings(
            DEFAULTS_CONNECT, DEFAULTS_STATEMENT, DEFAULTS_LOCK, DEFAULTS_IDLE);

    public ConnectionSettings {
        connectTimeout = atLeast(connectTimeout, Duration.ofMillis(250), DEFAULTS_CONNECT);
        statementTimeout = atLeast(statementTimeout, Duration.ofMillis(100), DEFAULTS_STATEMENT);
        lockTimeout = atLeast(lockTimeout, Duration.ofMillis(10), DEFAULTS_LOCK);
        idleClose = atLeast(idleClose, Duration.ofSeconds(1), DEFAULTS_IDLE);
    }

    private static Duration atLeast(Duration value, Duration min, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        return value.compareTo(min) < 0 ? min : value;
    }
}

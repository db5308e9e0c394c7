package io.pganalytics.server.series;

import io.pganalytics.common.catalog.Family;
import io.pganalytics.server.series.SeriesSchema.Resolution;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Range partitions of the plain dialect, in UTC: a day per partition for raw rows, an ISO week for 1-minute
 * rollups and a month for 1-hour rollups (so that 90 days of minutes and two years of hours stay a few hundred
 * tables). A partition's name encodes its start: {@code ts.database_p20261121}, {@code ts.database_1m_p20261116},
 * {@code ts.database_1h_p20261101}. Creating one is idempotent; this node remembers those it has seen so that the
 * ingest's check costs nothing on the hot path.
 * <p>
 * {@code CREATE TABLE ... PARTITION OF} takes an ACCESS EXCLUSIVE lock on the parent: it waits at most the lock
 * timeout, so that a long query or a held lock on the table fails the creation (SQLState 55P03) instead of queueing
 * every writer of the table behind it.
 */
public final class Partitions {
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
    private static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(5);

    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final Duration lockTimeout;

    /** Partitions created with a lock timeout of 5 s (the retention job's, for DROP). */
    public Partitions() {
        this(DEFAULT_LOCK_TIMEOUT);
    }

    public Partitions(Duration lockTimeout) {
        this.lockTimeout = lockTimeout;
    }

    /** The partition's period containing {@code day}. */
    public record Period(LocalDate start, LocalDate end) {
    }

    public static Period periodOf(Resolution resolution, LocalDate day) {
        return switch (resolution) {
            case RAW -> new Period(day, day.plusDays(1));
            case MINUTE -> {
                LocalDate monday = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                yield new Period(monday, monday.plusWeeks(1));
            }
            case HOUR -> {
                LocalDate first = day.withDayOfMonth(1);
                yield new Period(first, first.plusMonths(1));
            }
        };
    }

    public static String partitionName(Family family, Resolution resolution, LocalDate periodStart) {
        return resolution.table(family) + "_p" + DAY.format(periodStart);
    }

    /** Makes sure the partition holding {@code at} exists; returns true when it had to be created. */
    public boolean ensure(Connection connection, Family family, Resolution resolution, Instant at) throws SQLException {
        Period period = periodOf(resolution, LocalDate.ofInstant(at, ZoneOffset.UTC));
        String name = partitionName(family, resolution, period.start());
        if (known.contains(name)) {
            return false;
        }
        boolean created = create(connection, resolution.table(family), name, period, lockTimeout);
        known.add(name);
        return created;
    }

    /**
     * Creates the partition in a transaction of its own (the connection must be in auto-commit mode or have no
     * transaction in progress), so that losing a race with another node, which PostgreSQL reports as a duplicate,
     * is harmless; the lock on the parent is waited for at most {@code lockTimeout}.
     */
    private static boolean create(Connection connection, String parent, String name, Period period, Duration lockTimeout)
            throws SQLException {
        if (exists(connection, name)) {
            return false;
        }
        boolean autoCommit = connection.getAutoCommit();
        if (!autoCommit) {
            connection.commit(); // ends the transaction exists() began
        }
        connection.setAutoCommit(false);
        try (Statement st = connection.createStatement()) {
            st.execute("SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'");
            st.execute("CREATE TABLE IF NOT EXISTS " + name + " PARTITION OF " + parent
                    + " FOR VALUES FROM ('" + period.start() + " 00:00:00+00') TO ('" + period.end() + " 00:00:00+00')");
            connection.commit();
            return true;
        } catch (SQLException e) {
            connection.rollback();
            if ("42P07".equals(e.getSQLState()) || "23505".equals(e.getSQLState())) {
                return false;
            }
            throw new SQLException("creating partition " + name + " of " + parent + ": " + e.getMessage(), e.getSQLState(), e);
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    static boolean exists(Connection connection, String qualifiedName) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, qualifiedName);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The partitions of a table, oldest first, with the period each covers. */
    public static List<Partition> list(Connection connection, Family family, Resolution resolution) throws SQLException {
        String parent = resolution.table(family);
        List<Partition> partitions = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("""
                SELECT c.relnamespace::regnamespace::text || '.' || c.relname
                FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = ?::regclass
                ORDER BY c.relname""")) {
            ps.setString(1, parent);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    int marker = name.lastIndexOf("_p");
                    LocalDate start = LocalDate.parse(name.substring(marker + 2), DAY);
                    partitions.add(new Partition(name, periodOf(resolution, start)));
                }
            }
        }
        return partitions;
    }

    /** Forgets a dropped partition so that a later row for its period recreates it. */
    public void forget(String qualifiedName) {
        known.remove(qualifiedName);
    }

    public record Partition(String name, Period period) {
    }
}

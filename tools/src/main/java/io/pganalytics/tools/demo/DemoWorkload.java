package io.pganalytics.tools.demo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small, realistic workload on the demo database (see {@link DemoSchema}), each part on its own thread and
 * connection: a pgbench-like TPC-B mix, a periodic slow report, a periodic lock wait (one session holds a row lock
 * for a few seconds while another waits to update that row) and a frequent lookup on a column that lacks an index.
 * Each part's statements can be told apart in pg_stat_statements by {@link Part#marker()}.
 */
public final class DemoWorkload implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoWorkload.class);

    /** The parts, with a fragment of their normalised statement text that identifies them. */
    public enum Part {
        TPCB("pgbench-like TPC-B transaction", "UPDATE pgbench_accounts SET abalance"),
        SLOW_REPORT("slow daily revenue report", "percentile_cont"),
        LOCK_WAIT("update waiting on a row lock", "UPDATE demo_inventory SET quantity"),
        MISSING_INDEX("order lookup without an index", "WHERE customer_email");

        private final String description;
        private final String marker;

        Part(String description, String marker) {
            this.description = description;
            this.marker = marker;
        }

        public String description() {
            return description;
        }

        public String marker() {
            return marker;
        }
    }

    /**
     * How hard and how often.
     *
     * @param tpcbThreads   TPC-B sessions
     * @param tpcbPause     pause after each TPC-B transaction (keeps a laptop responsive)
     * @param reportEvery   how often the slow report runs
     * @param reportSleep   how long the slow report takes at least
     * @param lockEvery     how often a lock wait is staged
     * @param lockHold      how long the row lock is held
     * @param lookupEvery   how often the unindexed lookup runs
     */
    public record Settings(int tpcbThreads, Duration tpcbPause, Duration reportEvery, Duration reportSleep,
                           Duration lockEvery, Duration lockHold, Duration lookupEvery) {
        public static final Settings DEMO = new Settings(2, Duration.ofMillis(10), Duration.ofSeconds(15),
                Duration.ofSeconds(2), Duration.ofSeconds(20), Duration.ofSeconds(4), Duration.ofSeconds(2));
    }

    static final String ACCOUNT_UPDATE = "UPDATE pgbench_accounts SET abalance = abalance + ? WHERE aid = ?";
    static final String SLOW_REPORT = """
            SELECT date_trunc('day', created_at) AS day, count(*) AS orders, sum(amount) AS revenue,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY amount) AS median_amount
            FROM demo_orders GROUP BY 1 ORDER BY 1 OFFSET (SELECT 0 FROM pg_sleep(?))""";
    static final String LOCK_HOLD = "SELECT quantity FROM demo_inventory WHERE item_id = ? FOR UPDATE";
    static final String LOCK_WAITER = "UPDATE demo_inventory SET quantity = quantity - 1 WHERE item_id = ?";
    static final String LOOKUP = "SELECT order_id, amount, created_at FROM demo_orders WHERE customer_email = ?";

    private final DataSource database;
    private final Settings settings;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Map<Part, AtomicLong> done = new EnumMap<>(Part.class);
    private final AtomicLong failures = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();

    private DemoWorkload(DataSource database, Settings settings) {
        this.database = database;
        this.settings = settings;
        for (Part part : Part.values()) {
            done.put(part, new AtomicLong());
        }
    }

    /** Starts every part; the schema must exist ({@link DemoSchema#create}). */
    public static DemoWorkload start(DataSource database, Settings settings) {
        DemoWorkload workload = new DemoWorkload(database, settings);
        for (int i = 1; i <= settings.tpcbThreads(); i++) {
            workload.startLoop("demo-tpcb-" + i, Part.TPCB, Duration.ZERO, settings.tpcbPause(), DemoWorkload::tpcbTransaction);
        }
        workload.startLoop("demo-slow-report", Part.SLOW_REPORT, Duration.ofSeconds(3), settings.reportEvery(),
                c -> slowReport(c, settings.reportSleep()));
        workload.startLoop("demo-lock-wait", Part.LOCK_WAIT, Duration.ofSeconds(5), settings.lockEvery(),
                c -> lockWait(database, c, settings.lockHold(), 1 + ThreadLocalRandom.current().nextInt(DemoSchema.INVENTORY_ITEMS)));
        workload.startLoop("demo-lookup", Part.MISSING_INDEX, Duration.ofSeconds(1), settings.lookupEvery(), DemoWorkload::lookup);
        return workload;
    }

    /** How many times each part has run to completion. */
    public Map<Part, Long> counts() {
        Map<Part, Long> counts = new EnumMap<>(Part.class);
        done.forEach((part, count) -> counts.put(part, count.get()));
        return counts;
    }

    public long failures() {
        return failures.get();
    }

    /** One TPC-B transaction as pgbench runs it over the demo's tables: three updates, a read and an insert, then commit. */
    static void tpcbTransaction(Connection c) throws SQLException {
        tpcbTransaction(c, DemoSchema.ACCOUNTS, DemoSchema.TELLERS, DemoSchema.BRANCHES);
    }

    /**
     * One TPC-B transaction as pgbench runs it over pgbench's tables of the given sizes (the demo's, the incident suite's):
     * three updates, a read and an insert, then commit; rolled back on failure.
     */
    public static void tpcbTransaction(Connection c, int accounts, int tellers, int branches) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int aid = random.nextInt(1, accounts + 1);
        int tid = random.nextInt(1, tellers + 1);
        int bid = random.nextInt(1, branches + 1);
        int delta = random.nextInt(-5000, 5001);
        c.setAutoCommit(false);
        try {
            update(c, ACCOUNT_UPDATE, delta, aid);
            try (PreparedStatement balance = c.prepareStatement("SELECT abalance FROM pgbench_accounts WHERE aid = ?")) {
                balance.setInt(1, aid);
                balance.executeQuery().close();
            }
            update(c, "UPDATE pgbench_tellers SET tbalance = tbalance + ? WHERE tid = ?", delta, tid);
            update(c, "UPDATE pgbench_branches SET bbalance = bbalance + ? WHERE bid = ?", delta, bid);
            try (PreparedStatement history = c.prepareStatement(
                    "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (?, ?, ?, ?, now())")) {
                history.setInt(1, tid);
                history.setInt(2, bid);
                history.setInt(3, aid);
                history.setInt(4, delta);
                history.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        }
    }

    /** The report: an aggregate over every order, made to take at least {@code sleep} (any machine is fast enough otherwise). */
    static int slowReport(Connection c, Duration sleep) throws SQLException {
        c.setAutoCommit(true);
        try (PreparedStatement report = c.prepareStatement(SLOW_REPORT)) {
            report.setDouble(1, sleep.toMillis() / 1000.0);
            int rows = 0;
            try (ResultSet rs = report.executeQuery()) {
                while (rs.next()) {
                    rows++;
                }
            }
            return rows;
        }
    }

    /**
     * Stages one lock wait on an inventory row: {@code holder} locks it, a second session's update waits until the
     * holder commits {@code hold} later. Returns how long the second session waited.
     */
    static Duration lockWait(DataSource database, Connection holder, Duration hold, int itemId) throws SQLException {
        holder.setAutoCommit(false);
        try (PreparedStatement lock = holder.prepareStatement(LOCK_HOLD)) {
            lock.setInt(1, itemId);
            lock.executeQuery().close();
        }
        long[] waitedNanos = {-1};
        SQLException[] failure = {null};
        Thread waiter = Thread.ofPlatform().daemon().name("demo-lock-waiter").start(() -> {
            try (Connection c = database.getConnection(); Statement s = c.createStatement();
                 PreparedStatement update = c.prepareStatement(LOCK_WAITER)) {
                s.execute("SET lock_timeout = '60s'");
                update.setInt(1, itemId);
                long start = System.nanoTime();
                update.executeUpdate();
                waitedNanos[0] = System.nanoTime() - start;
            } catch (SQLException e) {
                failure[0] = e;
            }
        });
        try {
            waiter.join(hold);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            holder.commit();
        }
        try {
            waiter.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return Duration.ofNanos(Math.max(0, waitedNanos[0]));
    }

    /** Orders of one customer, by a column without an index: a sequential scan of the whole table. */
    static int lookup(Connection c) throws SQLException {
        c.setAutoCommit(true);
        try (PreparedStatement lookup = c.prepareStatement(LOOKUP)) {
            lookup.setString(1, "customer" + ThreadLocalRandom.current().nextInt(DemoSchema.CUSTOMERS) + "@example.com");
            int rows = 0;
            try (ResultSet rs = lookup.executeQuery()) {
                while (rs.next()) {
                    rows++;
                }
            }
            return rows;
        }
    }

    private static void update(Connection c, String sql, int delta, int key) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(sql)) {
            update.setInt(1, delta);
            update.setInt(2, key);
            update.executeUpdate();
        }
    }

    private interface Task {
        void run(Connection c) throws SQLException;
    }

    private void startLoop(String name, Part part, Duration firstAfter, Duration pause, Task task) {
        threads.add(Thread.ofPlatform().daemon().name(name).start(() -> loop(name, part, firstAfter, pause, task)));
    }

    /** Runs the task on one connection until stopped; a failure is logged, the connection replaced, and the loop goes on. */
    private void loop(String name, Part part, Duration firstAfter, Duration pause, Task task) {
        Connection c = null;
        try {
            if (stopping.await(firstAfter.toNanos(), TimeUnit.NANOSECONDS)) {
                return;
            }
            while (stopping.getCount() > 0) {
                try {
                    if (c == null) {
                        c = database.getConnection();
                    }
                    task.run(c);
                    done.get(part).incrementAndGet();
                } catch (SQLException e) {
                    if (stopping.getCount() == 0) {
                        return;
                    }
                    long failed = failures.incrementAndGet();
                    if (failed <= 10 || failed % 100 == 0) {
                        LOG.warn("workload {}: {} (failure {})", name, e.getMessage(), failed);
                    }
                    closeQuietly(c);
                    c = null;
                    if (stopping.await(1, TimeUnit.SECONDS)) {
                        return;
                    }
                }
                if (!pause.isZero() && stopping.await(pause.toNanos(), TimeUnit.NANOSECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing a workload connection: {}", e.getMessage());
            }
        }
    }

    /** Stops every part: each finishes its statement in flight (at most the slow report or the lock hold). */
    @Override
    public void close() {
        stopping.countDown();
        for (Thread thread : threads) {
            try {
                if (!thread.join(settings.lockHold().plus(settings.reportSleep()).plusSeconds(5))) {
                    LOG.warn("workload thread {} did not stop in time", thread.getName());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

package io.pganalytics.tools.bench;

import io.pganalytics.tools.demo.DemoWorkload;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The incident suite's steady load: TPC-B transactions as pgbench runs them and a hot lookup by an indexed column,
 * each paced at a fixed rate (a transaction late does not make the next one early), so that the baseline is steady
 * and what the incidents change stands out. Not the demo's workload: that one stages lock waits and slow reports of
 * its own, which here would be incidents.
 */
final class IncidentWorkload implements AutoCloseable {
    static final int BRANCHES = 4;
    static final int TELLERS = 40;
    static final int ACCOUNTS = 100_000;
    static final int CUSTOMERS = 10_000;
    static final int ORDERS = 400_000;
    static final int INVENTORY = 100;
    static final int CHURN = 50_000;
    /** The hot query whose plan the query regression breaks (an index scan, then a sequential scan). */
    static final String HOT_LOOKUP = "SELECT count(*), sum(amount) FROM incident_orders WHERE customer_id = ?";
    static final String HOT_INDEX = "incident_orders_customer";

    private final DataSource database;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    private IncidentWorkload(DataSource database) {
        this.database = database;
    }

    /** The tables (pgbench's four, the orders with the hot lookup's index, inventory rows to lock, a table to churn). */
    static void createSchema(DataSource database) throws SQLException {
        try (Connection c = database.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE pgbench_branches (bid int PRIMARY KEY, bbalance bigint NOT NULL, filler char(88))");
            st.execute("CREATE TABLE pgbench_tellers (tid int PRIMARY KEY, bid int NOT NULL, tbalance bigint NOT NULL, filler char(84))");
            st.execute("CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int NOT NULL, abalance bigint NOT NULL, filler char(84))");
            st.execute("CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamptz, filler char(22))");
            st.execute("INSERT INTO pgbench_branches SELECT b, 0 FROM generate_series(1, " + BRANCHES + ") b");
            st.execute("INSERT INTO pgbench_tellers SELECT t, 1 + t % " + BRANCHES + ", 0 FROM generate_series(1, " + TELLERS + ") t");
            st.execute("INSERT INTO pgbench_accounts SELECT a, 1 + a % " + BRANCHES + ", 0 FROM generate_series(1, " + ACCOUNTS + ") a");
            st.execute("CREATE TABLE incident_orders (order_id bigserial PRIMARY KEY, customer_id int NOT NULL, amount numeric(10,2) NOT NULL,"
                    + " created_at timestamptz NOT NULL DEFAULT now(), note text)");
            st.execute("INSERT INTO incident_orders (customer_id, amount, note) SELECT 1 + g % " + CUSTOMERS
                    + ", (g % 997) / 10.0, md5(g::text) FROM generate_series(1, " + ORDERS + ") g");
            st.execute("CREATE INDEX " + HOT_INDEX + " ON incident_orders (customer_id)");
            st.execute("CREATE TABLE incident_inventory (item_id int PRIMARY KEY, quantity int NOT NULL)");
            st.execute("INSERT INTO incident_inventory SELECT i, 1000000 FROM generate_series(1, " + INVENTORY + ") i");
            st.execute("CREATE TABLE incident_churn (id int PRIMARY KEY, counter bigint NOT NULL, payload text NOT NULL)");
            st.execute("INSERT INTO incident_churn SELECT g, 0, md5(g::text) FROM generate_series(1, " + CHURN + ") g");
            st.execute("VACUUM ANALYZE");
        }
    }

    /**
     * Starts the load: {@code tpcbThreads} sessions of {@code tpcbPerSecond} TPC-B transactions each, one session of
     * {@code lookupsPerSecond} hot lookups.
     */
    static IncidentWorkload start(DataSource database, int tpcbThreads, double tpcbPerSecond, double lookupsPerSecond) {
        IncidentWorkload workload = new IncidentWorkload(database);
        for (int i = 1; i <= tpcbThreads; i++) {
            workload.paced("incident-tpcb-" + i, tpcbPerSecond, IncidentWorkload::tpcb, workload.transactions);
        }
        workload.paced("incident-lookup", lookupsPerSecond, IncidentWorkload::lookup, workload.lookups);
        return workload;
    }

    long transactions() {
        return transactions.get();
    }

    long lookups() {
        return lookups.get();
    }

    long failures() {
        return failures.get();
    }

    static void tpcb(Connection c) throws SQLException {
        DemoWorkload.tpcbTransaction(c, ACCOUNTS, TELLERS, BRANCHES);
    }

    static void lookup(Connection c) throws SQLException {
        c.setAutoCommit(true);
        try (PreparedStatement lookup = c.prepareStatement(HOT_LOOKUP)) {
            lookup.setInt(1, ThreadLocalRandom.current().nextInt(1, CUSTOMERS + 1));
            lookup.executeQuery().close();
        }
    }

    interface Task {
        void run(Connection c) throws SQLException;
    }

    /** Runs {@code task} at a fixed rate on one connection until closed; a failure replaces the connection. */
    private void paced(String name, double perSecond, Task task, AtomicLong done) {
        long period = (long) (1e9 / perSecond);
        threads.add(Thread.ofPlatform().daemon().name(name).start(() -> {
            Connection c = null;
            long next = System.nanoTime();
            try {
                while (stopping.getCount() > 0) {
                    try {
                        if (c == null) {
                            c = database.getConnection();
                        }
                        task.run(c);
                        done.incrementAndGet();
                    } catch (SQLException e) {
                        failures.incrementAndGet();
                        close(c);
                        c = null;
                    }
                    next += period;
                    long wait = next - System.nanoTime();
                    if (wait < -period * 10) {
                        next = System.nanoTime();  // far behind (the incident slowed it): no burst to catch up
                    } else if (wait > 0 && stopping.await(wait, TimeUnit.NANOSECONDS)) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                close(c);
            }
        }));
    }

    static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // a broken connection: nothing left to release
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping.countDown();
        for (Thread thread : threads) {
            thread.join(30_000);
        }
    }
}

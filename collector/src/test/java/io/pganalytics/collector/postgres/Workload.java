package io.pganalytics.collector.postgres;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pgbench-like TPC-B workload driven from Java in a dedicated database: several threads, each on its own
 * connection, run the same five-statement transaction and count what they committed.
 */
public final class Workload {
    public static final int ACCOUNTS = 10_000;
    public static final int TELLERS = 10;
    public static final int BRANCHES = 1;

    private Workload() {
    }

    /** Creates and fills the pgbench tables (before any measurement). */
    public static void initialise(DataSource database) throws SQLException {
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE pgbench_branches (bid int PRIMARY KEY, bbalance int, filler char(88))");
            s.execute("CREATE TABLE pgbench_tellers (tid int PRIMARY KEY, bid int, tbalance int, filler char(84))");
            s.execute("CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int, abalance int, filler char(84))");
            s.execute("CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22))");
            s.execute("INSERT INTO pgbench_branches SELECT b, 0, '' FROM generate_series(1, " + BRANCHES + ") b");
            s.execute("INSERT INTO pgbench_tellers SELECT t, 1, 0, '' FROM generate_series(1, " + TELLERS + ") t");
            s.execute("INSERT INTO pgbench_accounts SELECT a, 1, 0, '' FROM generate_series(1, " + ACCOUNTS + ") a");
            s.execute("ANALYZE");
        }
    }

    /** Runs {@code perThread} transactions on each of {@code threads} connections; returns how many committed. */
    public static long run(DataSource database, int threads, int perThread) throws InterruptedException {
        AtomicLong committed = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try (Connection c = database.getConnection()) {
                    c.setAutoCommit(false);
                    try (PreparedStatement account = c.prepareStatement("UPDATE pgbench_accounts SET abalance = abalance + ? WHERE aid = ?");
                         PreparedStatement balance = c.prepareStatement("SELECT abalance FROM pgbench_accounts WHERE aid = ?");
                         PreparedStatement teller = c.prepareStatement("UPDATE pgbench_tellers SET tbalance = tbalance + ? WHERE tid = ?");
                         PreparedStatement branch = c.prepareStatement("UPDATE pgbench_branches SET bbalance = bbalance + ? WHERE bid = ?");
                         PreparedStatement history = c.prepareStatement(
                                 "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (?, ?, ?, ?, now())")) {
                        for (int i = 0; i < perThread; i++) {
                            ThreadLocalRandom random = ThreadLocalRandom.current();
                            int aid = random.nextInt(1, ACCOUNTS + 1);
                            int tid = random.nextInt(1, TELLERS + 1);
                            int delta = random.nextInt(-5000, 5001);
                            account.setInt(1, delta);
                            account.setInt(2, aid);
                            account.executeUpdate();
                            balance.setInt(1, aid);
                            balance.executeQuery().close();
                            teller.setInt(1, delta);
                            teller.setInt(2, tid);
                            teller.executeUpdate();
                            branch.setInt(1, delta);
                            branch.setInt(2, 1);
                            branch.executeUpdate();
                            history.setInt(1, tid);
                            history.setInt(2, 1);
                            history.setInt(3, aid);
                            history.setInt(4, delta);
                            history.executeUpdate();
                            c.commit();
                            committed.incrementAndGet();
                        }
                    }
                } catch (SQLException | RuntimeException e) {
                    failures.add(e);
                }
            }, "workload-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("workload failed", failures.getFirst());
        }
        return committed.get();
    }
}

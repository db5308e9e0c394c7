package io.pganalytics.server.endtoend;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A PostgreSQL to monitor (apart from the server's own database, so that its statistics are the workload's alone),
 * with pg_stat_statements, a pg_monitor role for the collector, and a TPC-B-like workload in database {@code bench}.
 */
final class MonitoredPostgres implements AutoCloseable {
    static final String ROLE = "pganalytics";
    static final String PASSWORD = "Monitor-Only-Password-1";
    static final int ACCOUNTS = 20_000;
    static final int TELLERS = 20;
    static final int BRANCHES = 2;

    private final EmbeddedPostgres postgres;

    MonitoredPostgres() {
        try {
            postgres = EmbeddedPostgres.builder()
                    .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    .setServerConfig("pg_stat_statements.track", "top")
                    .setServerConfig("autovacuum", "off")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .start();
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE EXTENSION pg_stat_statements");
                st.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "'");
                st.execute("GRANT pg_monitor TO " + ROLE);
                st.execute("CREATE DATABASE bench");
            }
            try (Connection c = bench().getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE bench_branches (bid int PRIMARY KEY, bbalance bigint NOT NULL)");
                st.execute("CREATE TABLE bench_tellers (tid int PRIMARY KEY, bid int NOT NULL, tbalance bigint NOT NULL)");
                st.execute("CREATE TABLE bench_accounts (aid int PRIMARY KEY, bid int NOT NULL, abalance bigint NOT NULL)");
                st.execute("CREATE TABLE bench_history (tid int, bid int, aid int, delta int, mtime timestamptz)");
                st.execute("INSERT INTO bench_branches SELECT b, 0 FROM generate_series(1, " + BRANCHES + ") b");
                st.execute("INSERT INTO bench_tellers SELECT t, 1 + t % " + BRANCHES + ", 0 FROM generate_series(1, " + TELLERS + ") t");
                st.execute("INSERT INTO bench_accounts SELECT a, 1 + a % " + BRANCHES + ", 0 FROM generate_series(1, " + ACCOUNTS + ") a");
                st.execute("ANALYZE");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    int port() {
        return postgres.getPort();
    }

    DataSource bench() {
        return postgres.getDatabase("postgres", "bench");
    }

    /** Runs TPC-B-like transactions on {@code threads} connections for {@code millis}; returns how many committed. */
    long runWorkload(int threads, long millis) throws InterruptedException {
        AtomicLong committed = new AtomicLong();
        long deadline = System.nanoTime() + millis * 1_000_000;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().name("workload-" + t).start(() -> {
                try (Connection c = bench().getConnection()) {
                    c.setAutoCommit(false);
                    try (PreparedStatement account = c.prepareStatement("UPDATE bench_accounts SET abalance = abalance + ? WHERE aid = ?");
                         PreparedStatement balance = c.prepareStatement("SELECT abalance FROM bench_accounts WHERE aid = ?");
                         PreparedStatement teller = c.prepareStatement("UPDATE bench_tellers SET tbalance = tbalance + ? WHERE tid = ?");
                         PreparedStatement branch = c.prepareStatement("UPDATE bench_branches SET bbalance = bbalance + ? WHERE bid = ?");
                         PreparedStatement history = c.prepareStatement("INSERT INTO bench_history (tid, bid, aid, delta, mtime) VALUES (?, ?, ?, ?, now())")) {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        while (System.nanoTime() < deadline) {
                            int aid = 1 + random.nextInt(ACCOUNTS);
                            int tid = 1 + random.nextInt(TELLERS);
                            int bid = 1 + random.nextInt(BRANCHES);
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
                            branch.setInt(2, bid);
                            branch.executeUpdate();
                            history.setInt(1, tid);
                            history.setInt(2, bid);
                            history.setInt(3, aid);
                            history.setInt(4, delta);
                            history.executeUpdate();
                            try {
                                c.commit();
                                committed.incrementAndGet();
                            } catch (SQLException e) {
                                c.rollback();
                            }
                        }
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return committed.get();
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}

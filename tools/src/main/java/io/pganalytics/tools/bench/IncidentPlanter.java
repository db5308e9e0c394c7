package io.pganalytics.tools.bench;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Plants each {@link Incident} in the suite's cluster over the steady {@link IncidentWorkload}, and proves it from
 * PostgreSQL's own statistics ({@link Planted#evidence()}: pg_stat_activity shows the lock waiters, pg_stat_replication
 * the lag...) before the suite looks at what the detectors made of it. {@link Planted#close()} undoes it.
 */
final class IncidentPlanter {
    static final String LEAK_APPLICATION = "incident-leak";
    static final String WAITER_APPLICATION = "incident-lock-waiter";
    private static final Duration EVIDENCE_WAIT = Duration.ofSeconds(60);

    private final IncidentCluster cluster;
    private final Duration interval;
    private final int lockWaiters;
    private final int leakedConnections;

    /**
     * @param interval          the collection interval (the leak grows by a few sessions per interval)
     * @param lockWaiters       sessions that queue behind the lock storm's row lock
     * @param leakedConnections sessions the connection leak ends with
     */
    IncidentPlanter(IncidentCluster cluster, Duration interval, int lockWaiters, int leakedConnections) {
        this.cluster = cluster;
        this.interval = interval;
        this.lockWaiters = lockWaiters;
        this.leakedConnections = leakedConnections;
    }

    /** A planted incident: what PostgreSQL showed of it, what its hint should name, and how to undo it. */
    interface Planted extends AutoCloseable {
        /** What PostgreSQL's statistics showed once the incident took hold. */
        String evidence();

        /** Strings of which a root-cause hint should name one (the planted query's text or queryid, the lock's root pid). */
        List<String> culprits();

        @Override
        void close() throws SQLException, InterruptedException;
    }

    Planted plant(Incident incident) throws SQLException, InterruptedException {
        return switch (incident) {
            case QUERY_REGRESSION -> queryRegression();
            case LOCK_STORM -> lockStorm();
            case CONNECTION_LEAK -> connectionLeak();
            case REPLICATION_LAG -> replicationLag();
            case CHECKPOINT_STORM -> checkpointStorm();
            case AUTOVACUUM_BEHIND -> autovacuumBehind();
        };
    }

    /** Drops the hot lookup's index: each lookup becomes a sequential scan of the orders. */
    private Planted queryRegression() throws SQLException, InterruptedException {
        DataSource db = cluster.primary("pganalytics-incident-suite");
        String queryid = hotQueryId(db);
        long before = scalar(db, "SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'incident_orders'");
        execute(db, "DROP INDEX " + IncidentWorkload.HOT_INDEX);
        String evidence = await(() -> {
            long now = scalar(db, "SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'incident_orders'");
            return now - before >= 3 ? "pg_stat_user_tables: incident_orders seq_scan +" + (now - before)
                    + " (the hot lookup's plan is now a sequential scan)" : null;
        });
        return planted(evidence, List.of(queryid, "incident_orders WHERE customer_id"),
                () -> execute(db, "CREATE INDEX " + IncidentWorkload.HOT_INDEX + " ON incident_orders (customer_id)"));
    }

    /** One transaction holds a row lock; {@code lockWaiters} sessions queue to update that row. */
    private Planted lockStorm() throws SQLException, InterruptedException {
        DataSource db = cluster.primary("incident-lock-holder");
        Connection holder = db.getConnection();
        holder.setAutoCommit(false);
        int holderPid;
        try (Statement st = holder.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                holderPid = rs.getInt(1);
            }
            st.executeQuery("SELECT quantity FROM incident_inventory WHERE item_id = 1 FOR UPDATE").close();
        }
        DataSource waiters = cluster.primary(WAITER_APPLICATION);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < lockWaiters; i++) {
            threads.add(Thread.ofPlatform().daemon().name("incident-lock-waiter-" + i).start(() -> {
                try (Connection c = waiters.getConnection(); Statement st = c.createStatement()) {
                    st.execute("SET lock_timeout = '15min'");
                    st.executeUpdate("UPDATE incident_inventory SET quantity = quantity - 1 WHERE item_id = 1");
                } catch (SQLException e) {
                    // the storm ended abnormally (the cluster stopped): nothing to undo
                }
            }));
        }
        DataSource observer = cluster.primary("pganalytics-incident-suite");
        String evidence = await(() -> {
            long waiting = scalar(observer, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    + " AND application_name = '" + WAITER_APPLICATION + "'");
            return waiting >= lockWaiters ? "pg_stat_activity: " + waiting + " sessions waiting on a Lock behind pid "
                    + holderPid : null;
        });
        return planted(evidence, List.of(Integer.toString(holderPid), "incident_inventory"), () -> {
            try {
                holder.commit();
            } finally {
                IncidentWorkload.close(holder);
            }
            for (Thread thread : threads) {
                thread.join(30_000);
            }
        });
    }

    /** Opens sessions, a few per collection interval, and leaves them idle until the incident ends. */
    private Planted connectionLeak() throws SQLException, InterruptedException {
        DataSource db = cluster.primary(LEAK_APPLICATION);
        List<Connection> leaked = new CopyOnWriteArrayList<>();
        CountDownLatch stop = new CountDownLatch(1);
        int perInterval = Math.max(2, leakedConnections / 6);
        long pauseNanos = interval.toNanos() / perInterval;
        Thread leaker = Thread.ofPlatform().daemon().name("incident-leak").start(() -> {
            try {
                while (leaked.size() < leakedConnections) {
                    leaked.add(db.getConnection());
                    if (stop.await(pauseNanos, TimeUnit.NANOSECONDS)) {
                        return;
                    }
                }
            } catch (SQLException e) {
                // the cluster refused more: the leak stops growing there
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        DataSource observer = cluster.primary("pganalytics-incident-suite");
        String evidence = await(() -> {
            long idle = scalar(observer, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + LEAK_APPLICATION
                    + "' AND state = 'idle'");
            return idle >= perInterval * 2L ? "pg_stat_activity: " + idle + " idle sessions of " + LEAK_APPLICATION
                    + " and growing (to " + leakedConnections + ")" : null;
        });
        return planted(evidence, List.of(LEAK_APPLICATION), () -> {
            stop.countDown();
            leaker.join(30_000);
            leaked.forEach(IncidentWorkload::close);
        });
    }

    /** Pauses the standby's replay while the primary keeps writing. */
    private Planted replicationLag() throws SQLException, InterruptedException {
        if (!cluster.hasStandby()) {
            throw new SQLException("replication lag needs the suite's standby (it was not started)");
        }
        execute(cluster.standby(), "SELECT pg_wal_replay_pause()");
        DataSource observer = cluster.primary("pganalytics-incident-suite");
        String evidence = await(() -> {
            try (Connection c = observer.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint,"
                         + " extract(epoch FROM replay_lag) FROM pg_stat_replication")) {
                if (!rs.next()) {
                    return null;
                }
                long bytes = rs.getLong(1);
                return bytes >= 256 * 1024 ? String.format(Locale.ROOT, "pg_stat_replication: replay %d kB behind, replay_lag %.1f s",
                        bytes / 1024, rs.getDouble(2)) : null;
            }
        });
        return planted(evidence, List.of(IncidentCluster.SLOT), () -> execute(cluster.standby(), "SELECT pg_wal_replay_resume()"));
    }

    /** CHECKPOINT every second while a writer updates a tenth of a table per second. */
    private Planted checkpointStorm() throws SQLException, InterruptedException {
        DataSource db = cluster.primary("incident-checkpoints");
        String view = scalar(db, "SELECT current_setting('server_version_num')::int") >= 170000
                ? "SELECT num_requested FROM pg_stat_checkpointer" : "SELECT checkpoints_req FROM pg_stat_bgwriter";
        long before = scalar(db, view);
        CountDownLatch stop = new CountDownLatch(1);
        List<Thread> threads = List.of(
                loop("incident-checkpointer", stop, Duration.ofSeconds(1), c -> {
                    try (Statement st = c.createStatement()) {
                        st.execute("CHECKPOINT");
                    }
                }, db),
                loop("incident-heavy-writer", stop, Duration.ofMillis(500), c -> {
                    try (Statement st = c.createStatement()) {
                        int slice = (int) (System.nanoTime() / 1_000_000 % 10);
                        st.executeUpdate("UPDATE incident_churn SET counter = counter + 1 WHERE id % 10 = " + slice);
                    }
                }, db));
        String evidence = await(() -> {
            long now = scalar(db, view);
            return now - before >= 3 ? "checkpoints requested +" + (now - before) + " (" + view.substring(7) + ")" : null;
        });
        return planted(evidence, List.of("CHECKPOINT", "incident_churn"), () -> {
            stop.countDown();
            for (Thread thread : threads) {
                thread.join(60_000);
            }
        });
    }

    /** Throttles autovacuum on a table to a crawl and updates the table in bulk: dead rows pile up under a worker that never ends. */
    private Planted autovacuumBehind() throws SQLException, InterruptedException {
        DataSource db = cluster.primary("incident-mass-updates");
        execute(db, "ALTER TABLE incident_churn SET (autovacuum_vacuum_cost_delay = 100, autovacuum_vacuum_cost_limit = 1,"
                + " autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000)");
        CountDownLatch stop = new CountDownLatch(1);
        Thread updater = loop("incident-mass-updates", stop, Duration.ofSeconds(2), c -> {
            try (Statement st = c.createStatement()) {
                int slice = (int) (System.nanoTime() / 1_000_000 % 10);
                st.executeUpdate("UPDATE incident_churn SET counter = counter + 1, payload = md5(payload) WHERE id % 10 = " + slice);
            }
        }, db);
        String evidence = await(() -> {
            try (Connection c = db.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM pg_stat_progress_vacuum WHERE relid = 'incident_churn'::regclass),"
                         + " (SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'incident_churn')")) {
                rs.next();
                return rs.getLong(1) > 0 && rs.getLong(2) >= 10_000 ? "pg_stat_progress_vacuum: an autovacuum crawls on incident_churn,"
                        + " pg_stat_user_tables: " + rs.getLong(2) + " dead rows" : null;
            }
        });
        return planted(evidence, List.of("incident_churn"), () -> {
            stop.countDown();
            updater.join(60_000);
            execute(db, "ALTER TABLE incident_churn RESET (autovacuum_vacuum_cost_delay, autovacuum_vacuum_cost_limit,"
                    + " autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold)");
            // the crawling worker keeps its cost settings until it ends: end it, a normal one follows
            execute(db, "SELECT pg_cancel_backend(pid) FROM pg_stat_progress_vacuum WHERE relid = 'incident_churn'::regclass");
        });
    }

    /** The hot lookup's queryid from pg_stat_statements (as the collector ships it). */
    static String hotQueryId(DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT queryid::text FROM pg_stat_statements"
                     + " WHERE query LIKE 'SELECT count(*), sum(amount) FROM incident_orders WHERE customer_id%' ORDER BY calls DESC LIMIT 1")) {
            return rs.next() ? rs.getString(1) : "unknown";
        }
    }

    private interface Undo {
        void run() throws SQLException, InterruptedException;
    }

    private interface Probe {
        String check() throws SQLException;
    }

    private static Planted planted(String evidence, List<String> culprits, Undo undo) {
        return new Planted() {
            @Override
            public String evidence() {
                return evidence;
            }

            @Override
            public List<String> culprits() {
                return culprits;
            }

            @Override
            public void close() throws SQLException, InterruptedException {
                undo.run();
            }
        };
    }

    /** Polls the probe until it describes the incident's effect; "not seen" when it never did within the wait. */
    private static String await(Probe probe) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + EVIDENCE_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String seen = probe.check();
            if (seen != null) {
                return seen;
            }
            Thread.sleep(250);
        }
        return "NOT SEEN in PostgreSQL's statistics within " + EVIDENCE_WAIT.toSeconds() + " s";
    }

    private static Thread loop(String name, CountDownLatch stop, Duration pause, IncidentWorkload.Task task, DataSource db) {
        return Thread.ofPlatform().daemon().name(name).start(() -> {
            try (Connection c = db.getConnection()) {
                c.setAutoCommit(true);
                do {
                    task.run(c);
                } while (!stop.await(pause.toNanos(), TimeUnit.NANOSECONDS));
            } catch (SQLException e) {
                // the cluster stopped under the incident: nothing to undo
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    static long scalar(DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.execute();
        }
    }
}

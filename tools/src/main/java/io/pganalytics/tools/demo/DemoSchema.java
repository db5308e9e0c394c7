package io.pganalytics.tools.demo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The demo database's tables, created and filled once (a second demo run finds them and keeps their data):
 * pgbench's four TPC-B tables at scale 1, an orders table large enough that a lookup on its unindexed
 * {@code customer_email} column is a visible sequential scan, and a small inventory table the lock wait
 * contends on.
 */
final class DemoSchema {
    static final int BRANCHES = 1;
    static final int TELLERS = 10;
    static final int ACCOUNTS = 100_000;
    static final int ORDERS = 200_000;
    static final int CUSTOMERS = 20_000;
    static final int INVENTORY_ITEMS = 100;

    private DemoSchema() {
    }

    /** Creates what is missing; returns whether anything was created (false: a previous run's data is reused). */
    static boolean create(Connection c) throws SQLException {
        if (exists(c)) {
            return false;
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE pgbench_branches (bid int PRIMARY KEY, bbalance int NOT NULL, filler char(88))");
            s.execute("CREATE TABLE pgbench_tellers (tid int PRIMARY KEY, bid int NOT NULL, tbalance int NOT NULL, filler char(84))");
            s.execute("CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int NOT NULL, abalance int NOT NULL, filler char(84))");
            s.execute("CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamptz, filler char(22))");
            s.execute("INSERT INTO pgbench_branches SELECT b, 0, '' FROM generate_series(1, " + BRANCHES + ") b");
            s.execute("INSERT INTO pgbench_tellers SELECT t, 1, 0, '' FROM generate_series(1, " + TELLERS + ") t");
            s.execute("INSERT INTO pgbench_accounts SELECT a, 1, 0, '' FROM generate_series(1, " + ACCOUNTS + ") a");
            // customer_email deliberately has no index: the lookup by e-mail is the "missing index" of the demo.
            s.execute("""
                    CREATE TABLE demo_orders (
                        order_id bigint PRIMARY KEY,
                        customer_email text NOT NULL,
                        amount numeric(10, 2) NOT NULL,
                        created_at timestamptz NOT NULL)""");
            s.execute("INSERT INTO demo_orders SELECT o, 'customer' || (o % " + CUSTOMERS + ") || '@example.com',"
                    + " round((random() * 500)::numeric, 2), now() - (o % 90) * interval '1 day'"
                    + " FROM generate_series(1, " + ORDERS + ") o");
            s.execute("CREATE TABLE demo_inventory (item_id int PRIMARY KEY, quantity int NOT NULL)");
            s.execute("INSERT INTO demo_inventory SELECT i, 1000000 FROM generate_series(1, " + INVENTORY_ITEMS + ") i");
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
        try (Statement s = c.createStatement()) {
            s.execute("VACUUM ANALYZE");
        }
        return true;
    }

    /** The inventory table is created last, in the same transaction as the others: it stands for all of them. */
    private static boolean exists(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT to_regclass('demo_inventory') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}

package io.pganalytics.server.testing;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Plain SQL for tests that check what the server wrote, on a pool whose connections do not auto-commit. */
public final class Sql {
    private Sql() {
    }

    /** Runs one statement and commits it. */
    public static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
            c.commit();
        }
    }

    /** Every row of a query, each column as text. */
    public static List<List<String>> rows(DataSource dataSource, String sql) throws SQLException {
        List<List<String>> result = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                result.add(row);
            }
            c.rollback();
        }
        return result;
    }
}

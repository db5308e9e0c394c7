package io.pganalytics.collector.target;

import io.pganalytics.common.catalog.ColumnType;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A connection inside a read-only transaction with its timeouts set. Every statement it sends starts with
 * {@value #TAG}, so that the collector's own load can be told apart in pg_stat_statements and pg_stat_activity.
 */
public final class Session {
    /** The comment every collector statement starts with. */
    public static final String TAG = "/* pganalytics */";

    private final Connection connection;
    private final String database;
    private final QueryTimer timer;

    Session(Connection connection, String database, QueryTimer timer) {
        this.connection = connection;
        this.database = database;
        this.timer = timer;
    }

    /** The database this session is connected to. */
    public String database() {
        return database;
    }

    /** Tags a statement (idempotently). */
    public static String tagged(String sql) {
        String trimmed = sql.strip();
        return trimmed.startsWith(TAG) ? trimmed : TAG + " " + trimmed;
    }

    /** Runs a query and reads every column as the given type; a shorter types list reads the rest as TEXT. */
    public List<List<Object>> query(String sql, List<ColumnType> types, Object... params) throws SQLException {
        long start = System.nanoTime();
        try (PreparedStatement statement = connection.prepareStatement(tagged(sql))) {
            bind(statement, params);
            try (ResultSet rs = statement.executeQuery()) {
                int width = rs.getMetaData().getColumnCount();
                List<List<Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>(width);
                    for (int i = 1; i <= width; i++) {
                        row.add(read(rs, i, i - 1 < types.size() ? types.get(i - 1) : ColumnType.TEXT));
                    }
                    rows.add(row);
                }
                return rows;
            }
        } finally {
            if (timer != null) {
                timer.add(System.nanoTime() - start);
            }
        }
    }

    /** Runs a query whose columns are all text (or read as text). */
    public List<List<Object>> queryText(String sql, Object... params) throws SQLException {
        return query(sql, List.of(), params);
    }

    /** Runs a statement returning nothing useful (SET, SAVEPOINT...). */
    public void execute(String sql) throws SQLException {
        long start = System.nanoTime();
        try (var statement = connection.createStatement()) {
            statement.execute(tagged(sql));
        } finally {
            if (timer != null) {
                timer.add(System.nanoTime() - start);
            }
        }
    }

    private void bind(PreparedStatement statement, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object param = params[i];
            if (param instanceof String[] strings) {
                statement.setArray(i + 1, connection.createArrayOf("text", strings));
            } else if (param instanceof Long[] longs) {
                statement.setArray(i + 1, connection.createArrayOf("int8", longs));
            } else {
                statement.setObject(i + 1, param);
            }
        }
    }

    private static Object read(ResultSet rs, int index, ColumnType type) throws SQLException {
        Object value = switch (type) {
            case TEXT -> {
                Object raw = rs.getObject(index);
                if (raw instanceof Array array) {
                    yield arrayText(array);
                }
                yield raw == null ? null : rs.getString(index);
            }
            case INT8 -> rs.getLong(index);
            case FLOAT8 -> rs.getDouble(index);
            case BOOL -> rs.getBoolean(index);
            case TIMESTAMPTZ -> {
                OffsetDateTime time = rs.getObject(index, OffsetDateTime.class);
                yield time == null ? null : time.toInstant();
            }
        };
        return rs.wasNull() ? null : value;
    }

    private static String arrayText(Array array) throws SQLException {
        Object[] items = (Object[]) array.getArray();
        StringBuilder text = new StringBuilder();
        for (Object item : items) {
            if (!text.isEmpty()) {
                text.append(',');
            }
            text.append(item);
        }
        return text.toString();
    }
}

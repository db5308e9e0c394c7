package io.pganalytics.collector.catalog;

import io.pganalytics.collector.target.Session;
import io.pganalytics.collector.target.TargetSpec;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Discovers the databases whose per-database views are read. */
final class Databases {
    private Databases() {
    }

    /** Connectable, non-template databases passing include/exclude, the configured one first, at most maxDatabases. */
    static List<String> list(Session session, TargetSpec spec) throws SQLException {
        List<String> names = new ArrayList<>();
        for (List<Object> row : session.queryText(Queries.DATABASES)) {
            names.add((String) row.getFirst());
        }
        return select(names, spec);
    }

    static List<String> select(List<String> names, TargetSpec spec) {
        List<String> out = new ArrayList<>();
        if (names.contains(spec.database()) && spec.includes(spec.database())) {
            out.add(spec.database());
        }
        for (String name : names) {
            if (out.size() >= spec.maxDatabases()) {
                break;
            }
            if (!name.equals(spec.database()) && spec.includes(name)) {
                out.add(name);
            }
        }
        return out;
    }
}

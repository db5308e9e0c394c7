package io.pganalytics.collector.delta;

import io.pganalytics.common.catalog.ColumnRole;
import io.pganalytics.common.catalog.Family;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Keeps the N rows with the largest value of one counter and folds the others into a single "other" row whose
 * key columns are 0 (or null for non-numeric keys), labels null, counters summed and gauges null.
 */
public final class TopN {
    private TopN() {
    }

    public static List<List<Object>> cut(Family family, List<List<Object>> rows, String orderBy, int n) {
        int orderIndex = family.indexOf(orderBy);
        if (orderIndex < 0) {
            throw new IllegalArgumentException("family " + family.name() + " has no column " + orderBy);
        }
        if (rows.size() <= n) {
            return rows;
        }
        List<List<Object>> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingDouble((List<Object> row) -> number(row.get(orderIndex))).reversed());
        List<List<Object>> out = new ArrayList<>(sorted.subList(0, n));
        out.add(other(family, sorted.subList(n, sorted.size())));
        return out;
    }

    private static List<Object> other(Family family, List<List<Object>> rest) {
        List<Object> other = new ArrayList<>();
        for (int i = 0; i < family.columns().size(); i++) {
            var column = family.columns().get(i);
            if (column.role() == ColumnRole.KEY) {
                other.add(switch (column.type()) {
                    case INT8 -> 0L;
                    case FLOAT8 -> 0.0;
                    case TEXT -> "";
                    default -> null;
                });
            } else if (column.role() == ColumnRole.COUNTER) {
                other.add(sum(rest, i));
            } else {
                other.add(null);
            }
        }
        return other;
    }

    private static Object sum(List<List<Object>> rows, int index) {
        boolean any = false;
        boolean integral = true;
        long longSum = 0;
        double doubleSum = 0;
        for (List<Object> row : rows) {
            Object value = row.get(index);
            if (value instanceof Long l) {
                longSum += l;
                doubleSum += l;
                any = true;
            } else if (value instanceof Number d) {
                doubleSum += d.doubleValue();
                integral = false;
                any = true;
            }
        }
        if (!any) {
            return null;
        }
        return integral ? (Object) longSum : (Object) doubleSum;
    }

    private static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : 0.0;
    }
}

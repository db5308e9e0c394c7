package io.pganalytics.collector.delta;

import io.pganalytics.common.catalog.ColumnRole;
import io.pganalytics.common.catalog.Family;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns successive samples of one family (on one target, one database) into per-interval deltas.
 * <p>
 * A sample is a list of rows: the family's columns in order, optionally followed by "reset marker" columns
 * (e.g. the {@code stats_reset} of the database a table lives in) that are compared but not sent. For each key:
 * <ul>
 *   <li>no previous sample of that key (the first sample, a new key, or a key that vanished and came back):
 *       baseline, nothing sent; except, for trackers made with {@link #countingNewKeysFromZero}, a key never seen
 *       before that appears after the first sample: its counters started at zero when the object was created, which
 *       was during the interval, so its values are its delta (pg_stat_statements entries, read whole each time);</li>
 *   <li>a reset marker changed, or any counter went down: the interval is dropped for that key, and the new
 *       values become its baseline;</li>
 *   <li>otherwise counters become {@code current - previous} (null when either is null), gauges and labels
 *       are sent as read.</li>
 * </ul>
 * Only the latest sample is kept, so memory is bounded by the number of keys in one sample. Not thread-safe:
 * the scheduler never runs a family twice at once for a target.
 */
public final class DeltaTracker {
    private final String family;
    private final int width;
    private final int[] keyColumns;
    private final boolean[] counters;
    private final int[] markerColumns;
    private final int extraMarkers;
    private Map<List<Object>, List<Object>> previous;
    private Instant previousAt;
    /** Keys ever seen, when new keys count from zero (to tell a new key from one that vanished and came back). */
    private final java.util.Set<List<Object>> everSeen;
    /** The most keys remembered; past it the memory starts over (a forgotten key that returns counts from zero). */
    private static final int MAX_REMEMBERED_KEYS = 100_000;

    /**
     * @param family       the family the rows belong to
     * @param markerCount  how many reset-marker columns follow the family's columns in each row
     */
    public DeltaTracker(Family family, int markerCount) {
        this(family, markerCount, false);
    }

    /**
     * A tracker for views whose rows are born with zero counters and that are read whole each time
     * (pg_stat_statements): a key never seen before that appears after the first sample is counted from zero.
     */
    public static DeltaTracker countingNewKeysFromZero(Family family, int markerCount) {
        return new DeltaTracker(family, markerCount, true);
    }

    private DeltaTracker(Family family, int markerCount, boolean newKeysFromZero) {
        this.everSeen = newKeysFromZero ? new java.util.HashSet<>() : null;
        this.family = family.name();
        this.width = family.columns().size();
        List<Integer> keys = new ArrayList<>();
        this.counters = new boolean[width];
        for (int i = 0; i < width; i++) {
            ColumnRole role = family.columns().get(i).role();
            if (role == ColumnRole.KEY) {
                keys.add(i);
            }
            counters[i] = role == ColumnRole.COUNTER;
        }
        this.keyColumns = keys.stream().mapToInt(Integer::intValue).toArray();
        List<Integer> markers = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            if (family.columns().get(i).name().equals("stats_reset")) {
                markers.add(i);
            }
        }
        for (int i = 0; i < markerCount; i++) {
            markers.add(width + i);
        }
        this.markerColumns = markers.stream().mapToInt(Integer::intValue).toArray();
        this.extraMarkers = markerCount;
    }

    /** Feeds one sample taken at {@code at}; returns what to send. */
    public Delta next(Instant at, List<List<Object>> rows) {
        Map<List<Object>, List<Object>> current = new HashMap<>(Math.max(16, rows.size() * 2));
        for (List<Object> row : rows) {
            if (row.size() != width + extraMarkers) {
                throw new IllegalArgumentException("family " + family + ": row has " + row.size() + " values, expected "
                        + (width + extraMarkers));
            }
            current.put(key(row), row);
        }
        Map<List<Object>, List<Object>> before = previous;
        Instant beforeAt = previousAt;
        previous = current;
        previousAt = at;
        // keys of this sample never seen in any earlier one (only tracked when new keys count from zero)
        java.util.Set<List<Object>> neverSeen = null;
        if (everSeen != null) {
            if (everSeen.size() + current.size() > MAX_REMEMBERED_KEYS) {
                everSeen.clear();
                if (before != null) {
                    everSeen.addAll(before.keySet());
                }
            }
            if (before != null) {
                neverSeen = new java.util.HashSet<>();
                for (List<Object> key : current.keySet()) {
                    if (!everSeen.contains(key)) {
                        neverSeen.add(key);
                    }
                }
            }
            everSeen.addAll(current.keySet());
        }
        if (before == null || beforeAt == null || !at.isAfter(beforeAt)) {
            return new Delta(null, List.of(), current.size(), 0);
        }
        double seconds = Duration.between(beforeAt, at).toNanos() / 1e9;
        List<List<Object>> out = new ArrayList<>();
        int baselines = 0;
        int resets = 0;
        for (List<Object> row : rows) {
            List<Object> key = key(row);
            List<Object> old = before.get(key);
            if (old == null) {
                if (neverSeen != null && neverSeen.contains(key)) {
                    out.add(fromZero(row));
                } else {
                    baselines++;
                }
                continue;
            }
            List<Object> delta = difference(old, row);
            if (delta == null) {
                resets++;
                continue;
            }
            out.add(delta);
        }
        return new Delta(seconds, out, baselines, resets);
    }

    /** A new object's row: its counters are already the delta since it was created. */
    private List<Object> fromZero(List<Object> row) {
        return new ArrayList<>(row.subList(0, width));
    }

    /** Forgets everything: the next sample is a baseline. */
    public void reset() {
        previous = null;
        previousAt = null;
    }

    private List<Object> key(List<Object> row) {
        if (keyColumns.length == 0) {
            return List.of();
        }
        List<Object> key = new ArrayList<>(keyColumns.length);
        for (int index : keyColumns) {
            key.add(row.get(index));
        }
        return key;
    }

    /** The delta row, or null when the key was reset in between. */
    private List<Object> difference(List<Object> old, List<Object> row) {
        for (int index : markerColumns) {
            Object a = index < old.size() ? old.get(index) : null;
            Object b = index < row.size() ? row.get(index) : null;
            if (!Objects.equals(a, b)) {
                return null;
            }
        }
        List<Object> out = new ArrayList<>(width);
        for (int i = 0; i < width; i++) {
            Object value = row.get(i);
            if (!counters[i]) {
                out.add(value);
                continue;
            }
            Object was = old.get(i);
            if (value == null || was == null) {
                out.add(null);
            } else if (value instanceof Long now && was instanceof Long then) {
                if (now < then) {
                    return null;
                }
                out.add(now - then);
            } else if (value instanceof Number now && was instanceof Number then) {
                double d = now.doubleValue() - then.doubleValue();
                if (d < 0) {
                    return null;
                }
                out.add(d);
            } else {
                throw new IllegalArgumentException("family " + family + ": counter column " + i + " is not a number: "
                        + value.getClass().getSimpleName());
            }
        }
        return out;
    }

    /**
     * What one sample produced.
     *
     * @param intervalSeconds the interval the deltas cover, or null on a baseline sample
     * @param rows            delta rows, family columns only (markers removed)
     * @param baselineKeys    keys seen without a usable previous sample
     * @param resetKeys       keys whose interval was dropped because of a reset
     */
    public record Delta(Double intervalSeconds, List<List<Object>> rows, int baselineKeys, int resetKeys) {
    }
}

package io.pganalytics.collector.delta;

import io.pganalytics.common.catalog.ColumnRole;
import io.pganalytics.common.catalog.Family;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
 * Only the latest sample is kept, so memory is bounded by the number of keys in one sample, and compactly: per key
 * its counters as one {@code long[]} (doubles by their bits, with null and type masks) and its reset markers, not
 * the boxed row (about 230 bytes per pg_stat_statements entry retained, against 800 for boxed rows). Not
 * thread-safe: the scheduler never runs a family twice at once for a target.
 */
public final class DeltaTracker {
    /** The most keys remembered; past it the memory starts over (a forgotten key that returns counts from zero). */
    private static final int MAX_REMEMBERED_KEYS = 100_000;
    private static final int MAX_COUNTERS = 64;

    private final String family;
    private final int width;
    private final int[] keyColumns;
    /** The family's counter columns, in order. */
    private final int[] counterColumns;
    private final boolean[] counters;
    private final int[] markerColumns;
    private final int extraMarkers;
    private Map<Key, Previous> previous;
    private Instant previousAt;
    /** Keys ever seen, when new keys count from zero (to tell a new key from one that vanished and came back). */
    private final Set<Key> everSeen;

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
        this.everSeen = newKeysFromZero ? new HashSet<>() : null;
        this.family = family.name();
        this.width = family.columns().size();
        List<Integer> keys = new ArrayList<>();
        List<Integer> counterList = new ArrayList<>();
        this.counters = new boolean[width];
        for (int i = 0; i < width; i++) {
            ColumnRole role = family.columns().get(i).role();
            if (role == ColumnRole.KEY) {
                keys.add(i);
            }
            counters[i] = role == ColumnRole.COUNTER;
            if (counters[i]) {
                counterList.add(i);
            }
        }
        if (counterList.size() > MAX_COUNTERS) {
            throw new IllegalArgumentException("family " + family.name() + " has " + counterList.size() + " counters; at most "
                    + MAX_COUNTERS + " are tracked");
        }
        this.keyColumns = keys.stream().mapToInt(Integer::intValue).toArray();
        this.counterColumns = counterList.stream().mapToInt(Integer::intValue).toArray();
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
        Map<Key, Previous> current = HashMap.newHashMap(rows.size());
        List<Key> rowKeys = new ArrayList<>(rows.size());
        Map<Object, Object> sharedMarkers = new HashMap<>();
        for (List<Object> row : rows) {
            if (row.size() != width + extraMarkers) {
                throw new IllegalArgumentException("family " + family + ": row has " + row.size() + " values, expected "
                        + (width + extraMarkers));
            }
            Key key = key(row);
            rowKeys.add(key);
            current.put(key, remember(row, sharedMarkers));
        }
        Map<Key, Previous> before = previous;
        Instant beforeAt = previousAt;
        previous = current;
        previousAt = at;
        // keys of this sample never seen in any earlier one (only tracked when new keys count from zero)
        Set<Key> neverSeen = null;
        if (everSeen != null) {
            if (everSeen.size() + current.size() > MAX_REMEMBERED_KEYS) {
                everSeen.clear();
                if (before != null) {
                    everSeen.addAll(before.keySet());
                }
            }
            if (before != null) {
                neverSeen = new HashSet<>();
                for (Key key : current.keySet()) {
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
        for (int r = 0; r < rows.size(); r++) {
            List<Object> row = rows.get(r);
            Key key = rowKeys.get(r);
            Previous old = before.get(key);
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

    private Key key(List<Object> row) {
        Object[] values = new Object[keyColumns.length];
        for (int i = 0; i < keyColumns.length; i++) {
            values[i] = row.get(keyColumns[i]);
        }
        return new Key(values);
    }

    /** What the next sample needs of this row: its counters and its reset markers (equal markers shared). */
    private Previous remember(List<Object> row, Map<Object, Object> sharedMarkers) {
        int n = counterColumns.length;
        long[] values = new long[n];
        long nulls = 0;
        long doubles = 0;
        for (int c = 0; c < n; c++) {
            Object value = row.get(counterColumns[c]);
            switch (value) {
                case null -> nulls |= 1L << c;
                case Long l -> values[c] = l;
                case Integer i -> values[c] = i;
                case Number number -> {
                    values[c] = Double.doubleToRawLongBits(number.doubleValue());
                    doubles |= 1L << c;
                }
                default -> throw new IllegalArgumentException("family " + family + ": counter column " + counterColumns[c]
                        + " is not a number: " + value.getClass().getSimpleName());
            }
        }
        Object[] markers = null;
        if (markerColumns.length > 0) {
            markers = new Object[markerColumns.length];
            for (int m = 0; m < markerColumns.length; m++) {
                Object marker = row.get(markerColumns[m]);
                markers[m] = marker == null ? null : sharedMarkers.computeIfAbsent(marker, v -> v);
            }
        }
        return new Previous(values, nulls, doubles, markers);
    }

    /** The delta row, or null when the key was reset in between. */
    private List<Object> difference(Previous old, List<Object> row) {
        for (int m = 0; m < markerColumns.length; m++) {
            if (!Objects.equals(old.markers[m], row.get(markerColumns[m]))) {
                return null;
            }
        }
        List<Object> out = new ArrayList<>(width);
        int c = 0;
        for (int i = 0; i < width; i++) {
            Object value = row.get(i);
            if (!counters[i]) {
                out.add(value);
                continue;
            }
            int index = c++;
            boolean wasNull = (old.nulls & (1L << index)) != 0;
            if (value == null || wasNull) {
                out.add(null);
            } else if ((value instanceof Long || value instanceof Integer) && (old.doubles & (1L << index)) == 0) {
                long now = ((Number) value).longValue();
                long then = old.values[index];
                if (now < then) {
                    return null;
                }
                out.add(now - then);
            } else if (value instanceof Number now) {
                double then = (old.doubles & (1L << index)) != 0 ? Double.longBitsToDouble(old.values[index]) : old.values[index];
                double d = now.doubleValue() - then;
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

    /** A row's key values, hashed once. */
    private static final class Key {
        private final Object[] values;
        private final int hash;

        Key(Object[] values) {
            this.values = values;
            this.hash = Arrays.hashCode(values);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && hash == key.hash && Arrays.equals(values, key.values);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * A row of the previous sample: counters by position among the counter columns, as longs or double bits.
     *
     * @param nulls   bit c set: counter c was null
     * @param doubles bit c set: counter c holds a double's bits
     * @param markers the reset markers, or null when the family has none
     */
    private record Previous(long[] values, long nulls, long doubles, Object[] markers) {
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

package io.pganalytics.analytics.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One NAB-format series ({@code timestamp,value}, naive clock times read as UTC) with its label windows as row
 * ranges, mapped as nab_score.py maps them: a window starts at the first row at or after its start and ends at its
 * end row, or the row before the first one after it.
 */
record LabelledSeries(String key, long[] times, double[] values, List<int[]> windows) {
    static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    static LabelledSeries read(String key, Path csv, List<List<String>> windowTimes) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).strip().equals("timestamp,value")) {
            throw new IOException(csv + ": expected the header 'timestamp,value'");
        }
        long[] times = new long[lines.size() - 1];
        double[] values = new double[lines.size() - 1];
        int n = 0;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            int comma = line.indexOf(',');
            if (comma < 0) {
                throw new IOException(csv + " line " + (i + 1) + ": expected 'timestamp,value', got '" + line + "'");
            }
            try {
                times[n] = epochSecond(line.substring(0, comma));
                values[n] = Double.parseDouble(line.substring(comma + 1));
            } catch (RuntimeException e) {
                throw new IOException(csv + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
            if (n > 0 && times[n] < times[n - 1]) {
                throw new IOException(csv + " line " + (i + 1) + ": time goes backwards");
            }
            n++;
        }
        times = Arrays.copyOf(times, n);
        values = Arrays.copyOf(values, n);
        List<int[]> windows = new ArrayList<>();
        for (List<String> w : windowTimes) {
            long start = epochSecond(w.get(0));
            long end = epochSecond(w.get(1));
            int a = atOrAfter(times, start);
            int b = atOrAfter(times, end);
            if (b < 0 || times[b] != end) {
                b = (b < 0 ? n : b) - 1;
            }
            windows.add(new int[]{a, b});
        }
        return new LabelledSeries(key, times, values, List.copyOf(windows));
    }

    /** A naive clock time ("2015-09-10 08:15:00", optional 'T', fraction, 'Z') as seconds, read as UTC. */
    static long epochSecond(String text) {
        String s = text.strip().replace('T', ' ');
        if (s.endsWith("Z")) {
            s = s.substring(0, s.length() - 1);
        }
        int dot = s.indexOf('.');
        if (dot > 0) {
            s = s.substring(0, dot);
        }
        return LocalDateTime.parse(s, CLOCK).toEpochSecond(ZoneOffset.UTC);
    }

    static String clock(long epochSecond) {
        return LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC).format(CLOCK);
    }

    /** Index of the first row at or after t (the first of equal times), or -1 when every row is before it. */
    static int atOrAfter(long[] times, long t) {
        int lo = 0;
        int hi = times.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo < times.length ? lo : -1;
    }

    int size() {
        return times.length;
    }
}

package io.pganalytics.analytics.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.analytics.anomaly.DetectorConfig;
import io.pganalytics.analytics.anomaly.SeriesDetector;
import io.pganalytics.analytics.anomaly.Verdict;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code bench anomalies}: each series of the corpus through a fresh {@link SeriesDetector} (one configuration for
 * all), its alerts written as {@code file,timestamp} rows, then scored here under the three NAB profiles.
 * The detector sees only times and values, never a label.
 */
final class AnomalyBench {
    private final PrintStream out;

    AnomalyBench(PrintStream out) {
        this.out = out;
    }

    /** Runs the bench; returns the standard profile's normalised score. */
    double run(Path dataDir, Path windowsFile, Path detectionsFile, DetectorConfig config) throws IOException {
        Map<String, List<List<String>>> windows = new ObjectMapper().readValue(windowsFile.toFile(),
                new TypeReference<LinkedHashMap<String, List<List<String>>>>() { });
        List<LabelledSeries> corpus = new ArrayList<>();
        for (String key : new TreeMap<>(windows).keySet()) {
            Path csv = dataDir.resolve(key).normalize();
            if (!csv.startsWith(dataDir.normalize())) {
                throw new IOException("windows key '" + key + "' points outside " + dataDir);
            }
            if (Files.isRegularFile(csv)) {
                corpus.add(LabelledSeries.read(key, csv, windows.get(key)));
            }
        }
        if (corpus.isEmpty()) {
            throw new IOException("no series of " + windowsFile + " found under " + dataDir);
        }
        out.println("configuration: " + config.asMap());
        Map<String, List<Long>> detections = new LinkedHashMap<>();
        long points = 0;
        int repeated = 0;
        long started = System.nanoTime();
        for (LabelledSeries s : corpus) {
            SeriesDetector detector = new SeriesDetector(config);
            List<Long> alerts = new ArrayList<>();
            for (int i = 0; i < s.size(); i++) {
                if (i > 0 && s.times()[i] == s.times()[i - 1]) {
                    repeated++; // a second row at the same time: the detector takes the first only
                    continue;
                }
                Verdict v = detector.observe(s.times()[i], s.values()[i]);
                if (v.alert()) {
                    alerts.add(v.epochSecond());
                }
            }
            points += s.size();
            detections.put(s.key(), alerts);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        write(detectionsFile, detections);
        out.printf("%d series, %d points scored in %.2f s (%d rows repeating a time skipped); %d detections written to %s%n",
                corpus.size(), points, seconds, repeated, detections.values().stream().mapToInt(List::size).sum(), detectionsFile);
        double standard = Double.NaN;
        for (NabScore.Profile profile : NabScore.Profile.values()) {
            NabScore.Figures total = report(corpus, detections, profile, profile == NabScore.Profile.STANDARD);
            if (profile == NabScore.Profile.STANDARD) {
                standard = total.normalised();
            }
        }
        return standard;
    }

    private NabScore.Figures report(List<LabelledSeries> corpus, Map<String, List<Long>> detections,
                                    NabScore.Profile profile, boolean detailed) {
        Map<String, NabScore.Figures> byCategory = new TreeMap<>();
        NabScore.Figures total = NabScore.Figures.ZERO;
        for (LabelledSeries s : corpus) {
            NabScore.Figures f = NabScore.score(s, detections.get(s.key()), profile);
            String category = s.key().contains("/") ? s.key().substring(0, s.key().indexOf('/')) : "";
            byCategory.merge(category, f, NabScore.Figures::plus);
            total = total.plus(f);
        }
        if (detailed) {
            out.println();
            out.printf("%-24s %4s %4s %7s %5s %5s %7s %7s%n", "category", "win", "hit", "recall", "dets", "FP", "FP/day", "score");
            for (Map.Entry<String, NabScore.Figures> e : byCategory.entrySet()) {
                line(e.getKey(), e.getValue());
            }
            line("OVERALL", total);
            out.println();
        }
        out.printf("profile %-20s normalised score %.1f (raw %.3f), window recall %d/%d = %.3f, false positives %d"
                        + " = %.3f per day of data%n", profile.label, total.normalised(), total.raw(), total.detected(),
                total.windows(), total.recall(), total.falsePositives(), total.falsePositivesPerDay());
        return total;
    }

    private void line(String name, NabScore.Figures f) {
        out.printf("%-24s %4d %4d %7.3f %5d %5d %7.3f %7.1f%n", name, f.windows(), f.detected(), f.recall(),
                f.detections(), f.falsePositives(), f.falsePositivesPerDay(), f.normalised());
    }

    private static void write(Path file, Map<String, List<Long>> detections) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("file,timestamp\n");
            for (Map.Entry<String, List<Long>> e : detections.entrySet()) {
                for (long t : e.getValue()) {
                    w.write(e.getKey() + "," + LabelledSeries.clock(t) + "\n");
                }
            }
        }
    }
}

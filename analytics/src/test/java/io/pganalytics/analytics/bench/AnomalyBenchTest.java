package io.pganalytics.analytics.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnomalyBenchTest {
    @TempDir
    Path dir;

    /** A 5-minute series of 3000 rows, flat with noise, with one jump of +50 at row 2000 and its label window. */
    private Path corpus() throws IOException {
        Files.createDirectories(dir.resolve("data/cat"));
        StringBuilder csv = new StringBuilder("timestamp,value\n");
        long start = LabelledSeries.epochSecond("2020-01-01 00:00:00");
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        for (int i = 0; i < 3000; i++) {
            double v = 10 + random.nextDouble() + (i == 2000 ? 50 : 0);
            csv.append(LabelledSeries.clock(start + 300L * i)).append(',').append(v).append('\n');
        }
        Files.writeString(dir.resolve("data/cat/one.csv"), csv);
        String from = LabelledSeries.clock(start + 300L * 1900) + ".000000";
        String to = LabelledSeries.clock(start + 300L * 2100) + ".000000";
        Files.writeString(dir.resolve("windows.json"), "{\"cat/one.csv\": [[\"" + from + "\", \"" + to + "\"]], \"cat/missing.csv\": []}");
        return dir;
    }

    @Test
    void benchWritesTheScorersInputAndPrintsTheScore() throws IOException {
        corpus();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"bench", "anomalies", "--data", dir.resolve("data").toString(),
                "--windows", dir.resolve("windows.json").toString(), "--out", dir.resolve("det.csv").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, code);
        List<String> rows = Files.readAllLines(dir.resolve("det.csv"));
        assertEquals("file,timestamp", rows.get(0));
        assertTrue(rows.contains("cat/one.csv,2020-01-07 22:40:00"), "the jump at row 2000 is a detection: " + rows);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("window recall 1/1"), printed);
        assertTrue(printed.contains("profile standard"), printed);
    }

    @Test
    void nullDetectorScoresZeroAndPerfectDetectorScoresHundred() throws IOException {
        corpus();
        LabelledSeries s = LabelledSeries.read("cat/one.csv", dir.resolve("data/cat/one.csv"),
                List.of(List.of(LabelledSeries.clock(LabelledSeries.epochSecond("2020-01-01 00:00:00") + 300L * 1900),
                        LabelledSeries.clock(LabelledSeries.epochSecond("2020-01-01 00:00:00") + 300L * 2100))));
        for (NabScore.Profile p : NabScore.Profile.values()) {
            assertEquals(0.0, NabScore.score(s, List.of(), p).normalised(), 1e-9, p.label);
            long firstRow = s.times()[s.windows().get(0)[0]];
            assertEquals(100.0, NabScore.score(s, List.of(firstRow), p).normalised(), 1e-9, p.label);
        }
        List<Long> everyRow = new ArrayList<>();
        for (long t : s.times()) {
            everyRow.add(t);
        }
        NabScore.Figures all = NabScore.score(s, everyRow, NabScore.Profile.STANDARD);
        assertEquals(1.0, all.recall());
        assertTrue(all.normalised() < 0, "flagging every row scores below 0: " + all.normalised());
    }

    @Test
    void badArgumentsAreAUsageErrorAndWriteNothing() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, Main.run(new String[]{"bench", "anomalies", "--windows", "w.json"}, System.out, errStream));
        assertEquals(2, Main.run(new String[]{"bench", "anomalies", "--data", "d", "--windows", "w", "--set", "nope=1"}, System.out, errStream));
        assertEquals(2, Main.run(new String[]{"bench", "sideways"}, System.out, errStream));
        assertEquals(1, Main.run(new String[]{"bench", "anomalies", "--data", dir.toString(), "--windows",
                dir.resolve("absent.json").toString(), "--out", dir.resolve("det.csv").toString()}, System.out, errStream));
        assertTrue(Files.notExists(dir.resolve("det.csv")));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--data is required"));
    }
}

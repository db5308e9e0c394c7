package io.pganalytics.tools.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpoolBenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void aSmallRunReportsWriteAndReadThroughputWithEncryptionOffAndOn() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SpoolBenchCommand.run(List.of("--records", "40", "--record-bytes", "2048", "--work-dir", dir.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("plain") && l.contains("records/s") && l.contains("MB/s")), printed);
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("sealed") && l.contains("records/s") && l.contains("MB/s")), printed);
    }
}

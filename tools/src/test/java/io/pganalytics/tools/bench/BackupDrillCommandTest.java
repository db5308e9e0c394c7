package io.pganalytics.tools.bench;

import io.pganalytics.collector.cli.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The drill destroys its data directory: it refuses any that holds something, and a repository on the lost disk. */
class BackupDrillCommandTest {
    @TempDir
    Path dir;

    private static int drill(String... args) throws Exception {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return BackupDrillCommand.run(List.of(args), sink, sink, "test");
    }

    @Test
    void aDataDirectoryThatHoldsAnythingIsRefusedAndLeftAlone() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path precious = Files.writeString(data.resolve("precious"), "x");
        UsageException e = assertThrows(UsageException.class, () -> drill("--data-dir", data.toString()));
        assertTrue(e.getMessage().contains("is not empty"), e.getMessage());
        assertTrue(Files.exists(precious));
    }

    @Test
    void aRepositoryInsideTheDataDirectoryIsRefused() {
        Path data = dir.resolve("data");
        UsageException e = assertThrows(UsageException.class,
                () -> drill("--data-dir", data.toString(), "--repository", data.resolve("backups").toString()));
        assertTrue(e.getMessage().contains("is inside --data-dir"), e.getMessage());
    }

    @Test
    void aSizeBelowAnEmptyServersDatabaseIsRefused() {
        UsageException e = assertThrows(UsageException.class, () -> drill("--size", "1MB", "--data-dir", dir.resolve("d").toString()));
        assertTrue(e.getMessage().contains("at least 16MB"), e.getMessage());
    }
}

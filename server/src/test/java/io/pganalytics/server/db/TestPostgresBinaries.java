package io.pganalytics.server.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The embedded PostgreSQL binaries unpacked once per test JVM, for tests that run PostgreSQL's programs themselves. */
public final class TestPostgresBinaries {
    private static Path bin;

    private TestPostgresBinaries() {
    }

    /** {@code bin/} of the embedded binaries (PostgreSQL 17). */
    public static synchronized Path bin() {
        if (bin == null) {
            try {
                Path root = Files.createTempDirectory("pganalytics-test-binaries");
                bin = PostgresBinaries.prepare(root).resolve("bin");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bin;
    }
}

package io.pganalytics.server.backup;

import io.pganalytics.common.crypto.KeyStoreFileKeys;
import io.pganalytics.server.backup.restore.WalSegments;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The offline restore command on a repository of real sealed objects, with the key store and nothing else. */
class RestoreCommandTest {
    private static final Instant T0 = Instant.parse("2026-12-07T01:00:00Z");
    private static final String PASSPHRASE = "a passphrase for tests";
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** A repository with one backup (segments 2..3) and WAL up to 4; a config naming its key store. */
    private Path repository() throws IOException {
        Path keyStore = dir.resolve("keys/kek.p12");
        Files.createDirectories(keyStore.getParent());
        try (KeyStoreFileKeys kek = KeyStoreFileKeys.open(keyStore, PASSPHRASE.toCharArray(), true, new SecureRandom())) {
            int version = kek.createVersion();
            SealedStreams sealing = new SealedStreams(kek, () -> version, new SecureRandom());
            FileStore store = new FileStore(dir.resolve("repository"));
            ByteArrayOutputStream tar = new ByteArrayOutputStream();
            try (TarArchiveOutputStream archive = new TarArchiveOutputStream(tar)) {
                byte[] content = "17\n".getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry("PG_VERSION");
                entry.setSize(content.length);
                archive.putArchiveEntry(entry);
                archive.write(content);
                archive.closeArchiveEntry();
            }
            String id = "20261207T010000Z";
            String base = BackupManifest.directory(id) + BackupManifest.BASE;
            List<BackupManifest.StoredFile> objects = new ArrayList<>();
            store.write(base, o -> {
                SealedStreams.Sealing sealed = sealing.seal(o, base);
                sealed.write(tar.toByteArray());
                sealed.close();
                objects.add(new BackupManifest.StoredFile(base, sealed.plainBytes(), sealed.storedBytes(), sealed.sha256()));
            });
            new BackupManifest(BackupManifest.FORMAT, id, "full", T0.minusSeconds(5), T0, 1, "0/2000028", "0/3000100",
                    WalSegments.name(1, 2), WalSegments.name(1, 3), "7000000000000000001", 170011, "START WAL LOCATION\n", "", 3,
                    objects, sealing.currentKeyVersion()).write(store, sealing);
            for (long n = 2; n <= 4; n++) {
                String object = BackupManifest.walObject(WalSegments.name(1, n));
                store.write(object, o -> {
                    try (SealedStreams.Sealing sealed = sealing.seal(o, object)) {
                        sealed.write(new byte[4096]);
                    }
                });
                Files.setLastModifiedTime(store.root().resolve(object), FileTime.from(T0.plusSeconds(60 * n)));
            }
        }
        return dir.resolve("repository");
    }

    private int run(String... args) {
        return new RestoreCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("PGANALYTICS_KEK_PASSPHRASE", PASSPHRASE)).run(List.of(args));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void restoresTheLatestPointAndPrintsThePlanAndTheFigures() throws IOException {
        Path repository = repository();
        Path target = dir.resolve("restored");

        int status = run("--to", "latest", "--target", target.toString(), "--data-dir", dir.toString(), "--repository", repository.toString());

        assertEquals(RestoreCommand.OK, status, output());
        assertTrue(output().contains("restore plan: backup 20261207T010000Z"), output());
        assertTrue(output().matches("(?s).*restored \\d+ bytes \\([0-9.]+ MB\\) from the repository in [0-9.]+ s: [0-9.]+ MB/s.*"), output());
        assertTrue(Files.exists(target.resolve("recovery.signal")));
    }

    @Test
    void aDryRunPrintsThePlanAndWritesNothing() throws IOException {
        Path repository = repository();
        Path target = dir.resolve("restored");

        int status = run("--to", "2026-12-07T01:02:30Z", "--target", target.toString(), "--data-dir", dir.toString(),
                "--repository", repository.toString(), "--dry-run");

        assertEquals(RestoreCommand.OK, status, output());
        assertTrue(output().contains("recovery_target_time"), output());
        assertFalse(Files.exists(target));
    }

    @Test
    void aTimeOutsideTheWindowsIsRefusedNamingTheNearestTimes() throws IOException {
        Path repository = repository();

        int status = run("--to", "2026-12-07T00:00:00Z", "--target", dir.resolve("restored").toString(), "--data-dir", dir.toString(),
                "--repository", repository.toString());

        assertEquals(RestoreCommand.FAILED, status, output());
        assertTrue(output().contains("refused") && output().contains(T0.toString()), output());
    }

    @Test
    void aMissingKeyStoreIsRefusedAndNotCreated() throws IOException {
        Path repository = repository();
        Path keyStore = dir.resolve("keys/kek.p12");
        Files.delete(keyStore);

        int status = run("--to", "latest", "--target", dir.resolve("restored").toString(), "--data-dir", dir.toString(),
                "--repository", repository.toString());

        assertEquals(RestoreCommand.FAILED, status, output());
        assertTrue(output().contains(keyStore + " does not exist"), output());
        assertFalse(Files.exists(keyStore), "no new key store is created");
    }

    @Test
    void badArgumentsExitWithTwo() {
        assertEquals(RestoreCommand.USAGE, run("--to", "yesterday", "--target", dir.toString()));
        assertEquals(RestoreCommand.USAGE, run("--target", dir.toString()));
        assertEquals(RestoreCommand.USAGE, run("--to", "latest", "--target", dir.toString(), "--bogus"));
    }
}

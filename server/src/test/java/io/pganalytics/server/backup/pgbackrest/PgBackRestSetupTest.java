package io.pganalytics.server.backup.pgbackrest;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.pganalytics.common.crypto.KeyStoreFileKeys;
import io.pganalytics.server.backup.BackupConfig;
import io.pganalytics.server.backup.SealedStreams;
import io.pganalytics.server.files.OwnerOnly;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PgBackRestSetupTest {
    @TempDir
    Path dir;

    @Test
    void aGeneratedPassphraseIsKeptSealedOwnerOnlyAndComesBackTheSame() throws Exception {
        try (KeyStoreFileKeys kek = KeyStoreFileKeys.open(dir.resolve("kek.p12"), "a passphrase for tests".toCharArray(), true, new SecureRandom())) {
            int version = kek.createVersion();
            SealedStreams sealing = new SealedStreams(kek, () -> version, new SecureRandom());
            BackupConfig.PgBackRest config = BackupConfig.defaults().pgbackrest();
            String first = PgBackRestSetup.passphrase(config, dir, sealing, new SecureRandom());
            String second = PgBackRestSetup.passphrase(config, dir, sealing, new SecureRandom());

            assertEquals(first, second);
            assertTrue(first.length() >= 40, first.length() + " characters");
            Path sealed = dir.resolve("pgbackrest/cipher-pass.pgab");
            assertEquals(OwnerOnly.FILE, Files.getPosixFilePermissions(sealed));
            assertFalse(new String(Files.readAllBytes(sealed), StandardCharsets.ISO_8859_1).contains(first), "not stored in the clear");
        }
    }

    @Test
    void theConfigurationIsOwnerOnlyAndNamesBothRepositoriesWithoutThePassphrase() throws Exception {
        BackupConfig backup = BackupConfig.from(Config.just(ConfigSources.create(Map.of(
                "backup.pgbackrest.pg-path", "/var/lib/postgresql/15/main",
                "backup.pgbackrest.stanza", "main",
                "backup.second-region.path", dir.resolve("region2").toString()))).get("backup"));
        Path file = PgBackRestSetup.configFile(backup.pgbackrest(), dir);
        PgBackRestSetup.writeConfig(file, PgBackRestSetup.configText(backup, dir));

        String text = Files.readString(file);
        assertEquals(OwnerOnly.FILE, Files.getPosixFilePermissions(file));
        assertTrue(text.contains("[main]\npg1-path=/var/lib/postgresql/15/main\n"), text);
        assertTrue(text.contains("repo1-cipher-type=aes-256-cbc"), text);
        assertTrue(text.contains("repo2-path=" + dir.resolve("region2")), text);
        assertFalse(text.contains("cipher-pass="), text);
    }

    @Test
    void aGapInTheArchiveEndsTheWindowAtTheLastSegmentBeforeIt() {
        Instant t = Instant.parse("2026-12-07T08:00:00Z");
        PgBackRestInfo.Backup full = new PgBackRestInfo.Backup("20261207-080000F", "full", null, 1, t, t.plusSeconds(10), 1, 1, 1,
                "000000010000000000000002", "000000010000000000000003", "0/2000028", "0/3000050", false);
        List<PgBackRestInfo.Segment> segments = List.of(
                new PgBackRestInfo.Segment("000000010000000000000002", t.plusSeconds(5), 1),
                new PgBackRestInfo.Segment("000000010000000000000003", t.plusSeconds(10), 1),
                new PgBackRestInfo.Segment("000000010000000000000004", t.plusSeconds(70), 1),
                new PgBackRestInfo.Segment("000000010000000000000006", t.plusSeconds(190), 1));

        var windows = PgBackRestInfo.windows(List.of(full), segments);

        assertEquals(1, windows.size());
        assertEquals(t.plusSeconds(11), windows.getFirst().from(), "the second after pgBackRest's stop time");
        assertEquals(t.plusSeconds(70), windows.getFirst().to(), "segment 5 is missing: the window ends with segment 4");
        assertEquals("000000010000000100000000", PgBackRestInfo.next("0000000100000000000000FF"));
    }
}

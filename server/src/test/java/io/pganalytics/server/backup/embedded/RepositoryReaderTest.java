package io.pganalytics.server.backup.embedded;

import io.pganalytics.common.backup.RecoveryWindow;
import io.pganalytics.common.backup.RestorePlan;
import io.pganalytics.server.backup.BackupException;
import io.pganalytics.server.backup.BackupManifest;
import io.pganalytics.server.backup.OutsideWindowsException;
import io.pganalytics.server.backup.Progress;
import io.pganalytics.server.backup.restore.RecoverySettings;
import io.pganalytics.server.backup.restore.WalSegments;
import io.pganalytics.server.files.OwnerOnly;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Windows, plans and restores on repositories of real sealed objects, no database. */
class RepositoryReaderTest {
    private static final Instant T0 = Instant.parse("2026-12-07T01:00:00Z");
    @TempDir
    Path dir;
    private SyntheticRepository repo;

    @BeforeEach
    void repository() throws IOException {
        repo = new SyntheticRepository(dir);
    }

    @AfterEach
    void close() {
        repo.close();
    }

    /** Backup a at T0 (segments 2..3), WAL 2..6 then a gap at 7, 8; backup b at T0+2h whose own WAL (10) is missing. */
    private void twoBackupsOneRestorable() throws IOException {
        repo.backup("20261207T010000Z", T0, 2, 3, SyntheticRepository.dataDirectory());
        for (long n = 2; n <= 6; n++) {
            repo.wal(n, T0.plusSeconds(60 * (n - 1)));
        }
        repo.wal(8, T0.plusSeconds(3600));
        repo.backup("20261207T030000Z", T0.plusSeconds(7200), 10, 10, SyntheticRepository.dataDirectory());
    }

    @Test
    void windowRunsFromTheConsistentPointToTheLastSegmentBeforeAGap() throws IOException {
        twoBackupsOneRestorable();

        List<RecoveryWindow> windows = repo.repository().windows();

        assertEquals(List.of(new RecoveryWindow(T0, T0.plusSeconds(300), "20261207T010000Z", 1)), windows);
    }

    @Test
    void aTimeOutsideEveryWindowIsRefusedWithTheNearestTimes() throws IOException {
        twoBackupsOneRestorable();
        repo.backup("20261207T050000Z", T0.plusSeconds(4 * 3600), 20, 20, SyntheticRepository.dataDirectory());
        repo.wal(20, T0.plusSeconds(4 * 3600 + 30));
        repo.wal(21, T0.plusSeconds(4 * 3600 + 90));
        Instant between = T0.plusSeconds(3600);

        OutsideWindowsException e = assertThrows(OutsideWindowsException.class,
                () -> repo.repository().plan(Optional.of(between), dir.resolve("restored")));

        assertEquals(Optional.of(T0.plusSeconds(300)), e.nearestBefore());
        assertEquals(Optional.of(T0.plusSeconds(4 * 3600)), e.nearestAfter());
        assertTrue(e.getMessage().contains(T0.plusSeconds(300).toString()) && e.getMessage().contains(T0.plusSeconds(4 * 3600).toString()),
                e.getMessage());
        OutsideWindowsException before = assertThrows(OutsideWindowsException.class,
                () -> repo.repository().plan(Optional.of(T0.minusSeconds(1)), dir.resolve("restored")));
        assertEquals(Optional.of(T0), before.nearestAfter());
    }

    @Test
    void aTargetThatIsNotEmptyIsRefused() throws IOException {
        twoBackupsOneRestorable();
        Path target = Files.createDirectories(dir.resolve("occupied"));
        Files.writeString(target.resolve("PG_VERSION"), "17\n");

        BackupException e = assertThrows(BackupException.class, () -> repo.repository().plan(Optional.empty(), target));

        assertTrue(e.getMessage().contains("is not empty"), e.getMessage());
    }

    @Test
    void latestPlansTheNewestWindowAndAPointInTimeTheBackupBeforeIt() throws IOException {
        twoBackupsOneRestorable();

        RestorePlan latest = repo.repository().plan(Optional.empty(), dir.resolve("restored"));
        RestorePlan pointInTime = repo.repository().plan(Optional.of(T0.plusSeconds(90)), dir.resolve("restored"));

        assertTrue(latest.latest());
        assertEquals(T0.plusSeconds(300), latest.to());
        assertEquals(WalSegments.name(1, 2), latest.walFrom());
        assertEquals(WalSegments.name(1, 6), latest.walTo());
        assertFalse(pointInTime.latest());
        assertEquals("20261207T010000Z", pointInTime.backupId());
        assertEquals(WalSegments.name(1, 5), pointInTime.walTo(), "to the first segment archived after the time (3), and two more");
        assertTrue(latest.bytesToRead() > 0 && latest.steps().size() >= 4);
    }

    @Test
    void restoreUnpacksOwnerOnlyStagesTheWalAndWritesTheRecoverySettings() throws IOException {
        twoBackupsOneRestorable();
        RepositoryReader repository = repo.repository();
        Path target = dir.resolve("restored");
        RestorePlan plan = repository.plan(Optional.of(T0.plusSeconds(90)), target);

        repository.restore(plan, Progress.NONE);

        assertEquals("17\n", Files.readString(target.resolve("PG_VERSION")));
        assertEquals("pretend relation", Files.readString(target.resolve("base/1/1259")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("base"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("base/1/1259"))));
        assertTrue(Files.exists(target.resolve("recovery.signal")));
        assertTrue(Files.readString(target.resolve("backup_label")).startsWith("START WAL LOCATION"));
        String autoConf = Files.readString(target.resolve("postgresql.auto.conf"));
        assertTrue(autoConf.contains("recovery_target_time = '2026-12-07 01:01:30.000000+00'"), autoConf);
        assertTrue(autoConf.contains("restore_command = 'cp \"" + RecoverySettings.STAGED_WAL + "/%f\" \"%p\"'"), autoConf);
        assertTrue(autoConf.contains("recovery_target_action = 'promote'") && autoConf.contains("recovery_target_timeline = 'latest'"));
        Path staged = target.resolve(RecoverySettings.STAGED_WAL);
        assertFalse(Files.exists(staged.resolve(WalSegments.name(1, 6))), "no more WAL than the target needs");
        for (long n = 2; n <= 5; n++) {
            String segment = WalSegments.name(1, n);
            assertEquals(("segment " + segment).repeat(1000), Files.readString(staged.resolve(segment)));
        }
        assertTrue(OwnerOnly.changeableByOthers(target).isEmpty());
    }

    @Test
    void aCorruptedBaseObjectFailsTheRestoreNamingItAndLeavesNothing() throws IOException {
        twoBackupsOneRestorable();
        repo.corrupt(BackupManifest.directory("20261207T010000Z") + BackupManifest.BASE);
        RepositoryReader repository = repo.repository();
        Path target = dir.resolve("restored");
        RestorePlan plan = repository.plan(Optional.empty(), target);

        BackupException e = assertThrows(BackupException.class, () -> repository.restore(plan, Progress.NONE));

        assertTrue(e.getMessage().contains("backups/20261207T010000Z/base.tar.pgab"), e.getMessage());
        assertFalse(Files.exists(target), "a failed restore leaves no half data directory");
    }

    @Test
    void aBaseObjectThatDoesNotMatchTheSignedManifestIsNamed() throws IOException {
        twoBackupsOneRestorable();
        String base = BackupManifest.directory("20261207T010000Z") + BackupManifest.BASE;
        // another object, sealed validly under the same name (so every chunk authenticates): not what the manifest signed
        byte[] plain;
        try (var in = repo.sealing.open(repo.store.read(base), base)) {
            plain = in.readAllBytes();
        }
        repo.store.write(base, out -> {
            try (var sealed = repo.sealing.seal(out, base)) {
                sealed.write(plain);
            }
        });
        RepositoryReader repository = repo.repository();
        RestorePlan plan = repository.plan(Optional.of(T0), dir.resolve("restored"));

        BackupException e = assertThrows(BackupException.class, () -> repository.restore(plan, Progress.NONE));

        assertTrue(e.getMessage().contains(base + " does not match its manifest"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("restored")));
    }

    @Test
    void aCorruptedWalSegmentFailsTheRestoreNamingIt() throws IOException {
        twoBackupsOneRestorable();
        String segment = BackupManifest.walObject(WalSegments.name(1, 5));
        repo.corrupt(segment);
        RepositoryReader repository = repo.repository();
        RestorePlan plan = repository.plan(Optional.empty(), dir.resolve("restored"));

        BackupException e = assertThrows(BackupException.class, () -> repository.restore(plan, Progress.NONE));

        assertTrue(e.getMessage().contains(segment), e.getMessage());
    }

    @Test
    void anArchiveEntryEscapingTheTargetIsRefused() throws IOException {
        Map<String, String> files = new LinkedHashMap<>(SyntheticRepository.dataDirectory());
        files.put("../escaped", "outside");
        repo.backup("20261207T010000Z", T0, 2, 2, files);
        repo.wal(2, T0.plusSeconds(60));
        RepositoryReader repository = repo.repository();
        RestorePlan plan = repository.plan(Optional.empty(), dir.resolve("restored"));

        BackupException e = assertThrows(BackupException.class, () -> repository.restore(plan, Progress.NONE));

        assertTrue(e.getMessage().contains("outside the restore target"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("escaped")));
    }

    @Test
    void aRestoreToTheBackupsConsistentPointStopsThereAndReadsOnlyItsOwnWal() throws IOException {
        twoBackupsOneRestorable();
        RepositoryReader repository = repo.repository();
        Path target = dir.resolve("restored");
        RestorePlan plan = repository.plan(Optional.of(T0), target);

        repository.restore(plan, Progress.NONE);

        assertEquals(WalSegments.name(1, 3), plan.walTo());
        assertTrue(Files.readString(target.resolve("postgresql.auto.conf")).contains("recovery_target = 'immediate'"));
    }
}

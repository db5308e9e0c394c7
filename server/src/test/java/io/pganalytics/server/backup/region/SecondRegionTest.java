package io.pganalytics.server.backup.region;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.pganalytics.server.backup.BackupConfig;
import io.pganalytics.server.backup.BackupStore;
import io.pganalytics.server.backup.FileStore;
import io.pganalytics.server.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The second region's store as the {@code backup.second-region} node names it, and the retry delays. */
class SecondRegionTest {
    @TempDir
    Path dir;

    private static BackupConfig.SecondRegion region(Map<String, String> settings) {
        return BackupConfig.from(Config.just(ConfigSources.create(settings)).get("backup")).secondRegion().orElseThrow();
    }

    @Test
    void aPathIsAnOwnerOnlyDirectoryStore() throws Exception {
        Path path = dir.resolve("dr");
        BackupStore store = SecondRegion.store(region(Map.of("backup.second-region.path", path.toString())), Map.of());

        assertInstanceOf(FileStore.class, store);
        assertEquals("file", store.kind());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
    }

    @Test
    void aBucketIsAnS3StoreWithoutItsCredentialsInItsLocation() throws Exception {
        BackupStore store = SecondRegion.store(region(Map.of(
                "backup.second-region.s3.bucket", "dr-bucket",
                "backup.second-region.s3.prefix", "/prod/",
                "backup.second-region.s3.endpoint", "http://127.0.0.1:9",
                "backup.second-region.s3.access-key-id-env", "DR_KEY",
                "backup.second-region.s3.secret-access-key-env", "DR_SECRET")), Map.of("DR_KEY", "AKIDEXAMPLE", "DR_SECRET", "very-secret"));
        try (S3Store s3 = assertInstanceOf(S3Store.class, store)) {
            assertEquals("s3://dr-bucket/prod/ at http://127.0.0.1:9", s3.location());
        }
    }

    @Test
    void aSecretVariableThatIsNotSetIsRefusedNamingIt() {
        ConfigException e = assertThrows(ConfigException.class, () -> SecondRegion.store(region(Map.of(
                "backup.second-region.s3.bucket", "dr-bucket",
                "backup.second-region.s3.access-key-id-env", "DR_KEY",
                "backup.second-region.s3.secret-access-key-env", "DR_SECRET")), Map.of("DR_KEY", "AKIDEXAMPLE")));
        assertTrue(e.getMessage().contains("DR_SECRET"), e.getMessage());
    }

    @Test
    void failedRoundsAreRetriedAfterADoublingDelayThatIsCapped() {
        Duration interval = Duration.ofSeconds(30);
        assertEquals(Duration.ofSeconds(60), SecondRegion.backoff(interval, 1));
        assertEquals(Duration.ofSeconds(120), SecondRegion.backoff(interval, 2));
        assertEquals(SecondRegion.MAX_BACKOFF, SecondRegion.backoff(interval, 40));
        assertEquals(Duration.ofHours(1), SecondRegion.backoff(Duration.ofHours(1), 3), "never sooner than the interval");
    }
}

package io.pganalytics.server.backup.verify;

import io.pganalytics.common.backup.VerificationView.Check;
import io.pganalytics.server.db.Postmaster;
import io.pganalytics.server.db.TestPostgresBinaries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verifier on data directories made by initdb with the embedded binaries and the product's migrations. */
class ScratchVerifierTest {
    private static final String PASSWORD = ProductCluster.PASSWORD;
    @TempDir
    Path dir;

    private Path productCluster() throws IOException, SQLException {
        return ProductCluster.make(dir.resolve("copy"));
    }

    @Test
    void aCopyThatStartsPassesEveryCheckAndIsDeletedAfterwards() throws IOException, SQLException {
        Path data = productCluster();

        List<Check> checks = new ScratchVerifier(TestPostgresBinaries.bin(), Duration.ofMinutes(3)).verify(data);

        Map<String, Check> byName = checks.stream().collect(Collectors.toMap(Check::name, c -> c));
        assertEquals(List.of("recovery", "metadata", "newest-sample", "row-counts", "amcheck"), checks.stream().map(Check::name).toList(),
                checks.toString());
        assertTrue(checks.stream().allMatch(Check::passed), checks.toString());
        assertTrue(byName.get("newest-sample").detail().contains("instance 2026-12-07T08:01:00Z"), byName.get("newest-sample").detail());
        assertTrue(byName.get("row-counts").detail().contains("instance 2"), byName.get("row-counts").detail());
        assertTrue(byName.get("metadata").detail().contains("auth_user"), byName.get("metadata").detail());
        assertTrue(byName.get("amcheck").detail().matches("bt_index_check passed on [1-9][0-9]* B-tree indexes"), byName.get("amcheck").detail());
        assertFalse(Files.exists(data), "the scratch copy is deleted");
    }

    @Test
    void aCopyThatCannotReachItsRecoveryTargetFailsTheRecoveryCheckAndIsDeleted() throws IOException, SQLException {
        Path data = productCluster();
        Files.writeString(data.resolve("postgresql.auto.conf"), "restore_command = 'false'\nrecovery_target_time = '2099-01-01 00:00:00+00'\n",
                java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(data.resolve("recovery.signal"), "");

        List<Check> checks = new ScratchVerifier(TestPostgresBinaries.bin(), Duration.ofMinutes(3)).verify(data);

        assertEquals(1, checks.size(), checks.toString());
        assertEquals("recovery", checks.getFirst().name());
        assertFalse(checks.getFirst().passed());
        assertTrue(checks.getFirst().detail().contains("recovery target"), checks.getFirst().detail());
        assertFalse(Files.exists(data));
    }

    @Test
    void aCopyWithoutTheProductsTablesFailsTheMetadataCheck() throws IOException {
        Path data = dir.resolve("bare");
        new Postmaster(TestPostgresBinaries.bin().getParent(), data, dir.resolve("initdb.log")).initdb(PASSWORD);

        List<Check> checks = new ScratchVerifier(TestPostgresBinaries.bin(), Duration.ofMinutes(3)).verify(data);

        assertEquals(List.of("recovery", "metadata"), checks.stream().map(Check::name).toList(), checks.toString());
        assertTrue(checks.get(0).passed());
        assertFalse(checks.get(1).passed());
    }
}

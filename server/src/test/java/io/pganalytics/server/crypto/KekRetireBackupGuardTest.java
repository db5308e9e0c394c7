package io.pganalytics.server.crypto;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A key-encryption key version that a retained backup or archived WAL segment is sealed under cannot be destroyed. */
class KekRetireBackupGuardTest {

    @Test
    void retiringAKekVersionIsRefusedWhileARetainedBackupOrWalSegmentNamesIt() throws Exception {
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("kek_backup_guard"), TestServers.newClusterName(), Map.of())) {
            DataSource db = server.database().dataSource();
            ApiClient api = new ApiClient(server);
            String admin = api.loginAdmin();
            int oldKek = server.crypto().keys().currentKekVersion();
            String keyVersion = "kek " + server.crypto().keyEncryptionKeys().kind() + " v" + oldKek;
            ApiClient.Response rotated = api.post("/admin/keys/rotate", admin, "{\"newKekVersion\":true}");
            assertEquals(200, rotated.status(), rotated.body());

            execute(db, "INSERT INTO backup (id, engine, kind, state, started_at, key_version, node_name, requested_by)"
                    + " VALUES ('20261207T010000Z', 'embedded', 'full', 'complete', now(), '" + keyVersion + "', 'n', 'schedule')");
            ApiClient.Response backup = api.post("/admin/keys/kek-versions/" + oldKek + "/retire", admin, "");
            assertEquals(409, backup.status(), backup.body());
            assertTrue(backup.json().get("message").asText().contains("still seals backups [20261207T010000Z]"), backup.body());

            execute(db, "UPDATE backup SET state = 'expired'");
            execute(db, "INSERT INTO backup_wal (name, timeline, archived_at, stored_bytes, sha256, key_version)"
                    + " VALUES ('000000010000000000000007', 1, now(), 1, 'x', '" + keyVersion + "')");
            ApiClient.Response wal = api.post("/admin/keys/kek-versions/" + oldKek + "/retire", admin, "");
            assertEquals(409, wal.status(), wal.body());
            assertTrue(wal.json().get("message").asText().contains("1 archived WAL segments"), wal.body());

            execute(db, "DELETE FROM backup_wal");
            ApiClient.Response dataKeys = api.post("/admin/keys/kek-versions/" + oldKek + "/retire", admin, "");
            assertEquals(409, dataKeys.status(), dataKeys.body());
            assertTrue(dataKeys.json().get("message").asText().contains("still wraps data keys"),
                    "once no backup names it, the next rule speaks: " + dataKeys.body());
        }
    }

    private static void execute(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.execute();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }
}

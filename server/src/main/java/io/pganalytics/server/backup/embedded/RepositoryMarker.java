package io.pganalytics.server.backup.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.backup.BackupException;
import io.pganalytics.server.backup.BackupStore;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * {@code repository.json}: which cluster a repository belongs to. A repository holds the backups and WAL of one
 * PostgreSQL cluster (its system identifier): WAL of two clusters in one repository would overwrite each other's
 * segments of the same names, so a backup or WAL into the repository of another cluster is refused.
 *
 * @param format   {@link #FORMAT}
 * @param engine   {@code embedded}
 * @param systemId the cluster's system identifier ({@code pg_control_system()})
 * @param created  when the marker was written
 */
record RepositoryMarker(int format, String engine, String systemId, Instant created) {
    static final String NAME = "repository.json";
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = JsonMapping.newMapper();

    /** The system identifier of the cluster {@code connection} is connected to. */
    static String systemId(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Checks that {@code store} is this cluster's repository, and marks it so when it is new.
     *
     * @throws BackupException when it belongs to another cluster or its marker does not read
     */
    static void claim(BackupStore store, String systemId, Instant now) throws IOException {
        if (store.exists(NAME)) {
            RepositoryMarker marker;
            try (InputStream in = store.read(NAME)) {
                marker = JSON.readValue(in.readNBytes(64 * 1024), RepositoryMarker.class);
            } catch (IOException e) {
                throw new BackupException("the backup repository " + store.location() + ": " + NAME + " does not read ("
                        + e.getMessage() + "); it is not a repository this server wrote", e);
            }
            if (!systemId.equals(marker.systemId())) {
                throw new BackupException("the backup repository " + store.location() + " belongs to another database cluster (system identifier "
                        + marker.systemId() + "; this one is " + systemId + "): set backup.repository to a directory of its own,"
                        + " or move that repository away if its backups are no longer wanted");
            }
            return;
        }
        byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(new RepositoryMarker(FORMAT, "embedded", systemId, now));
        store.write(NAME, out -> out.write(json));
    }
}

package io.pganalytics.server.crypto;

import io.pganalytics.common.crypto.Envelope;
import io.pganalytics.common.crypto.SealContext;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Objects;

/**
 * The files one node seals with the key service (its self-signed TLS private key): seals and opens them bound to their
 * purpose and name ({@link SealContext#file}), records in {@code crypto_sealed_file} which data key seals each (so that
 * the key status counts them and a data key still sealing a file is not retired), and lets the owner of a file re-seal
 * it when another data key becomes current. Each node writes only its own rows.
 */
public final class SealedFiles {
    private final DataSource dataSource;
    private final KeyService keys;
    private final String nodeName;
    private final Clock clock;

    public SealedFiles(DataSource dataSource, KeyService keys, String nodeName, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource);
        this.keys = Objects.requireNonNull(keys);
        this.nodeName = Objects.requireNonNull(nodeName);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Seals a file's content under the current data key; {@link #recorded} it once the file is written. */
    public byte[] seal(String purpose, String name, byte[] content) {
        return keys.seal(SealContext.file(purpose, name), content);
    }

    /**
     * Opens a sealed file's content.
     *
     * @throws io.pganalytics.common.crypto.CryptoException naming the file when it was altered, is another file's, or
     *                                                      names a data key this cluster does not have
     */
    public byte[] open(String purpose, String name, byte[] sealed) {
        return keys.open(SealContext.file(purpose, name), sealed);
    }

    /** The data key a sealed file's content names. */
    public int keyId(String purpose, String name, byte[] sealed) {
        return Envelope.keyId(sealed, SealContext.file(purpose, name));
    }

    /** The data key that seals new values now. */
    public int currentKeyId() {
        return keys.currentKeyId();
    }

    /** Records that this node's file for {@code purpose} is sealed under data key {@code keyId}. */
    public void recorded(String purpose, int keyId) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            record(connection, purpose, keyId);
        } catch (SQLException e) {
            throw new IllegalStateException("encryption: recording which data key seals the " + purpose + " file of node " + nodeName
                    + " failed: " + e.getMessage(), e);
        }
    }

    /** Drops this node's record for {@code purpose}: its file is gone. */
    public void forget(String purpose) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            try (PreparedStatement statement = connection.prepareStatement("DELETE FROM crypto_sealed_file WHERE node_name = ? AND purpose = ?")) {
                statement.setString(1, nodeName);
                statement.setString(2, purpose);
                statement.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("encryption: forgetting the " + purpose + " file of node " + nodeName + " failed: " + e.getMessage(), e);
        }
    }

    private void record(Connection connection, String purpose, int keyId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO crypto_sealed_file (node_name, purpose, key_id, sealed_at)"
                     + " VALUES (?, ?, ?, ?) ON CONFLICT (node_name, purpose) DO UPDATE SET key_id = excluded.key_id, sealed_at = excluded.sealed_at")) {
            statement.setString(1, nodeName);
            statement.setString(2, purpose);
            statement.setInt(3, keyId);
            statement.setTimestamp(4, Timestamp.from(clock.instant()));
            statement.executeUpdate();
        }
    }

    /** Runs {@code reseal} on this node each time another data key becomes current. */
    public void onKeyChange(Runnable reseal) {
        keys.addListener(reseal);
    }
}

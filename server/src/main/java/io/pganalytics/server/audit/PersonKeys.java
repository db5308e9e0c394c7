package io.pganalytics.server.audit;

import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.common.crypto.Envelope;
import io.pganalytics.common.crypto.SealContext;
import io.pganalytics.server.crypto.SealedColumn;
import io.pganalytics.server.crypto.Sealer;

import javax.crypto.SecretKey;
import javax.sql.DataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One AES-256 key per person, in {@code audit.person_key}, sealed by the key service: the person's fields in audit
 * records are sealed with it, so that destroying it (an erasure request) makes them unreadable everywhere at once
 * while every record and hash stays as it was. A personal field is sealed in the {@link Envelope} format with key id
 * 0 and bound to its record ({@code audit.record}, the column, the seq): it cannot be moved to another record.
 */
public final class PersonKeys {
    /** The person keys as the key service re-seals them on rotation. */
    public static final SealedColumn SEALED = new SealedColumn("audit.person_key", "secret", "person_id", "audit trail person keys");
    private static final int CACHE_LIMIT = 10_000;

    private final DataSource dataSource;
    private final Sealer sealer;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, SecretKey> cache = new ConcurrentHashMap<>();

    public PersonKeys(DataSource dataSource, Sealer sealer, Clock clock) {
        this.dataSource = dataSource;
        this.sealer = sealer;
        this.clock = clock;
    }

    /**
     * Seals {@code plaintext} for record {@code seq}'s {@code column} with the person's key, creating the key in the
     * caller's transaction when the person has none; null when the person's data was erased (nothing is kept).
     */
    byte[] seal(Connection c, String personId, long seq, String column, byte[] plaintext) throws SQLException {
        Optional<SecretKey> key = keyFor(c, personId, true);
        return key.map(k -> Envelope.seal(0, k, context(column, seq), plaintext, random)).orElse(null);
    }

    /** Opens a personal field; empty when the person's key was destroyed. */
    public Optional<byte[]> open(String personId, long seq, String column, byte[] sealed) {
        SecretKey cached = cache.get(personId);
        if (cached != null) {
            // a page of records opens many fields of the same few people: no pool connection for a cached key
            return Optional.of(Envelope.open(cached, context(column, seq), sealed));
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return keyFor(c, personId, false).map(k -> Envelope.open(k, context(column, seq), sealed));
        } catch (SQLException e) {
            throw new IllegalStateException("audit: cannot read the person key of " + personId + ": " + e.getMessage(), e);
        }
    }

    /** Drops a person's key from this node's memory (after an erasure, on every node). */
    public void forget(String personId) {
        cache.remove(personId);
    }

    private Optional<SecretKey> keyFor(Connection c, String personId, boolean create) throws SQLException {
        SecretKey cached = cache.get(personId);
        if (cached != null) {
            return Optional.of(cached);
        }
        boolean created = false;
        if (create) {
            SecretKey fresh = Envelope.newDataKey(random);
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO audit.person_key (person_id, secret, created_at) VALUES (?, ?, ?) ON CONFLICT (person_id) DO NOTHING")) {
                insert.setString(1, personId);
                insert.setBytes(2, sealer.seal(SEALED.context(personId), fresh.getEncoded()));
                insert.setTimestamp(3, Timestamp.from(clock.instant()));
                created = insert.executeUpdate() == 1;
            }
        }
        byte[] sealedKey;
        try (PreparedStatement select = c.prepareStatement("SELECT secret FROM audit.person_key WHERE person_id = ?")) {
            select.setString(1, personId);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next() || rs.getBytes(1) == null) {
                    return Optional.empty();
                }
                sealedKey = rs.getBytes(1);
            }
        }
        SecretKey key;
        try {
            key = Envelope.dataKey(sealer.open(SEALED.context(personId), sealedKey));
        } catch (CryptoException e) {
            throw new IllegalStateException("audit: the person key of " + personId + " does not open: " + e.getMessage(), e);
        }
        // a key made in this transaction is cached only once it is read committed: a rollback would lose it
        if (!created) {
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear();
            }
            cache.put(personId, key);
        }
        return Optional.of(key);
    }

    private static SealContext context(String column, long seq) {
        return SealContext.record("audit.record", column, Long.toString(seq));
    }
}

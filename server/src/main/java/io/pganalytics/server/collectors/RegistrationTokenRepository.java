package io.pganalytics.server.collectors;

import io.ebean.Database;
import io.ebean.PersistenceContextScope;
import io.pganalytics.server.collectors.query.QDRegistrationToken;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/** The only place that queries {@code collector_registration_token}. Runs inside the caller's transaction when there is one. */
final class RegistrationTokenRepository {
    private static final String CLAIM = """
            UPDATE collector_registration_token SET use_count = use_count + 1, used_at = ?, used_by_collector_id = ?
             WHERE id = ? AND use_count < max_uses AND revoked_at IS NULL AND expires_at > ?
            RETURNING use_count""";

    private final Database database;

    RegistrationTokenRepository(Database database) {
        this.database = database;
    }

    void insert(DRegistrationToken token) {
        database.insert(token);
    }

    /** The token as the database holds it now, not as this transaction first loaded it. */
    Optional<DRegistrationToken> findById(long id) {
        return new QDRegistrationToken(database).id.eq(id).setPersistenceContextScope(PersistenceContextScope.QUERY).findOneOrEmpty();
    }

    Optional<DRegistrationToken> findByHash(byte[] hash) {
        return new QDRegistrationToken(database).tokenHash.eq(hash).findOneOrEmpty();
    }

    List<DRegistrationToken> page(int offset, int limit) {
        return new QDRegistrationToken(database).orderBy().id.desc().setFirstRow(offset).setMaxRows(limit).findList();
    }

    int count() {
        return new QDRegistrationToken(database).findCount();
    }

    /**
     * Takes one use of the token for a collector if it has one left and is still usable at {@code now}. One
     * conditional UPDATE: of several requests racing for the last use (on any node) the row lock lets exactly one
     * through, and the others, re-reading the row once the winner commits, see no use left. The row stays locked
     * until the caller's transaction ends, so registrations with one token are serialised.
     *
     * @return the number of the use taken (1 for the first), or empty when the token was used up, revoked or expired first
     */
    OptionalInt claim(long id, Instant now, UUID collectorId) {
        Integer use = database.sqlQuery(CLAIM).setParameters(now, collectorId, id, now).mapToScalar(Integer.class).findOne();
        return use == null ? OptionalInt.empty() : OptionalInt.of(use);
    }

    /** Revokes the token if it has a use left and is not revoked; false otherwise. */
    boolean revoke(long id, Instant now) {
        return new QDRegistrationToken(database).id.eq(id).raw("use_count < max_uses").revokedAt.isNull()
                .asUpdate().set("revokedAt", now).update() == 1;
    }
}

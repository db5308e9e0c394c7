package io.pganalytics.server.collectors;

import io.ebean.Database;
import io.pganalytics.server.collectors.query.QDRegistrationToken;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The only place that queries {@code collector_registration_token}. Runs inside the caller's transaction when there is one. */
final class RegistrationTokenRepository {
    private final Database database;

    RegistrationTokenRepository(Database database) {
        this.database = database;
    }

    void insert(DRegistrationToken token) {
        database.insert(token);
    }

    Optional<DRegistrationToken> findById(long id) {
        return new QDRegistrationToken(database).id.eq(id).findOneOrEmpty();
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
     * Uses the token for a collector if it is still usable at {@code now}. One conditional UPDATE: of several
     * requests racing for one token (on any node) the row lock lets exactly one through; the others see it used.
     *
     * @return false when the token was used, revoked or expired first
     */
    boolean claim(long id, Instant now, UUID collectorId) {
        return new QDRegistrationToken(database).id.eq(id).usedAt.isNull().revokedAt.isNull().expiresAt.gt(now)
                .asUpdate().set("usedAt", now).set("usedByCollectorId", collectorId).update() == 1;
    }

    /** Revokes the token if it is neither used nor revoked; false otherwise. */
    boolean revoke(long id, Instant now) {
        return new QDRegistrationToken(database).id.eq(id).usedAt.isNull().revokedAt.isNull()
                .asUpdate().set("revokedAt", now).update() == 1;
    }
}

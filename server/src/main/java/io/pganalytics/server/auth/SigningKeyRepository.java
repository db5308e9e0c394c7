package io.pganalytics.server.auth;

import io.ebean.Database;
import io.pganalytics.server.auth.query.QDSigningKey;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The only place that queries {@code auth_signing_key}. */
final class SigningKeyRepository {
    private static final long ROTATION_LOCK = 0x7067615f6b657973L; // "pga_keys"

    private final Database database;

    SigningKeyRepository(Database database) {
        this.database = database;
    }

    Optional<DSigningKey> active() {
        return new QDSigningKey(database).retiredAt.isNull().findOneOrEmpty();
    }

    /** The active key and the retired ones still needed to verify tokens, newest first. */
    List<DSigningKey> verifiable(Instant retiredAfter) {
        return new QDSigningKey(database).or().retiredAt.isNull().retiredAt.gt(retiredAfter).endOr()
                .orderBy().createdAt.desc().findList();
    }

    void insert(DSigningKey key) {
        database.insert(key);
    }

    int retire(String kid, Instant at) {
        return new QDSigningKey(database).kid.eq(kid).retiredAt.isNull().asUpdate().set("retiredAt", at).update();
    }

    int deleteRetiredBefore(Instant cutoff) {
        return new QDSigningKey(database).retiredAt.lt(cutoff).delete();
    }

    /** Holds a transaction-scoped advisory lock so that one node at a time rotates; call inside a transaction. */
    void lockRotation() {
        database.sqlQuery("select 1 from pg_advisory_xact_lock(?)").setParameter(ROTATION_LOCK).findOne();
    }
}

package io.pganalytics.server.auth;

import io.ebean.Database;
import io.pganalytics.server.auth.query.QDRefreshToken;
import io.pganalytics.server.auth.query.QDSession;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The only place that queries {@code auth_session} and {@code auth_refresh_token}. */
final class SessionRepository {
    private final Database database;

    SessionRepository(Database database) {
        this.database = database;
    }

    void insert(DSession session) {
        database.insert(session);
    }

    void insert(DRefreshToken token) {
        database.insert(token);
    }

    Optional<DSession> findSession(String id) {
        return new QDSession(database).id.eq(id).findOneOrEmpty();
    }

    Optional<DRefreshToken> findTokenByHash(byte[] hash) {
        return new QDRefreshToken(database).tokenHash.eq(hash).findOneOrEmpty();
    }

    /** Marks a token used if nobody has; false when another request (on any node) used it first. */
    boolean markUsed(long tokenId, Instant at) {
        return new QDRefreshToken(database).id.eq(tokenId).usedAt.isNull().asUpdate().set("usedAt", at).update() == 1;
    }

    /** Records when a session last proved a second factor (a step-up). */
    void recordSecondFactor(String sessionId, Instant at) {
        new QDSession(database).id.eq(sessionId).asUpdate().set("secondFactorAt", at).update();
    }

    /** Revokes one session if it is still live; false when it already was. */
    boolean revoke(String sessionId, Instant at, String reason) {
        return new QDSession(database).id.eq(sessionId).revokedAt.isNull().asUpdate()
                .set("revokedAt", at).set("revokedReason", reason).update() == 1;
    }

    /** The ids of a user's sessions that are neither revoked nor expired. */
    List<String> liveSessionIds(long userId, Instant now) {
        return new QDSession(database).select("id").userId.eq(userId).revokedAt.isNull().expiresAt.gt(now).findSingleAttributeList();
    }

    int revokeAllOf(long userId, Instant at, String reason) {
        return new QDSession(database).userId.eq(userId).revokedAt.isNull().asUpdate()
                .set("revokedAt", at).set("revokedReason", reason).update();
    }

    /** Deletes what can no longer be used: expired tokens, and sessions expired or revoked before {@code revokedBefore}. */
    int purge(Instant now, Instant revokedBefore) {
        int tokens = new QDRefreshToken(database).expiresAt.lt(now).delete();
        int sessions = new QDSession(database).or().expiresAt.lt(now).revokedAt.lt(revokedBefore).endOr().delete();
        return tokens + sessions;
    }
}

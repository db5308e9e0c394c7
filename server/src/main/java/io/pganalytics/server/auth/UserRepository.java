package io.pganalytics.server.auth;

import io.ebean.Database;
import io.pganalytics.server.auth.query.QDUser;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The only place that queries {@code auth_user}. Runs inside the caller's transaction when there is one. */
final class UserRepository {
    /** Serialises changes that could leave no enabled admin (and the bootstrap), across every node. */
    private static final long ADMINS_LOCK = 0x7067615f61646d6eL; // "pga_admn"

    private final Database database;

    UserRepository(Database database) {
        this.database = database;
    }

    Optional<DUser> findById(long id) {
        return new QDUser(database).id.eq(id).findOneOrEmpty();
    }

    Optional<DUser> findByUsername(String username) {
        return new QDUser(database).username.ieq(username).findOneOrEmpty();
    }

    Optional<DUser> findExternal(String source, String subject) {
        return new QDUser(database).source.eq(source).externalSubject.eq(subject).findOneOrEmpty();
    }

    /** The users of one identity provider, by id; at most {@code limit}. */
    List<DUser> ofSource(String source, int limit) {
        return new QDUser(database).source.eq(source).orderBy().id.asc().setMaxRows(limit).findList();
    }

    List<Long> enabledIdsOfSource(String source) {
        return new QDUser(database).select("id").source.eq(source).enabled.isTrue().findIds();
    }

    List<DUser> page(int offset, int limit) {
        return new QDUser(database).orderBy().id.asc().setFirstRow(offset).setMaxRows(limit).findList();
    }

    int count() {
        return new QDUser(database).findCount();
    }

    int countEnabledAdmins() {
        return new QDUser(database).enabled.isTrue().roles.contains(RoleNames.ADMIN).findCount();
    }

    void insert(DUser user) {
        database.insert(user);
    }

    void update(DUser user) {
        database.update(user);
    }

    void delete(DUser user) {
        database.delete(user);
    }

    void recordLogin(long id, Instant at) {
        new QDUser(database).id.eq(id).asUpdate().set("lastLoginAt", at).update();
    }

    void replacePasswordHash(long id, String oldHash, String newHash) {
        new QDUser(database).id.eq(id).passwordHash.eq(oldHash).asUpdate().set("passwordHash", newHash).update();
    }

    /** Holds a transaction-scoped advisory lock; call inside a transaction. */
    void lockAdmins() {
        database.sqlQuery("select 1 from pg_advisory_xact_lock(?)").setParameter(ADMINS_LOCK).findOne();
    }
}

package io.pganalytics.server.auth.provider;

import io.ebean.Database;
import io.ebean.SqlRow;
import io.pganalytics.server.auth.provider.query.QDIdentityProvider;

import java.util.List;
import java.util.Optional;

/** The only place that queries {@code auth_identity_provider}. Runs inside the caller's transaction when there is one. */
final class IdentityProviderRepository {
    /** Serialises the start-up upsert of the configuration file's providers across nodes starting together. */
    private static final long CONFIGURATION_LOCK = 0x7067615f69647073L; // "pga_idps"

    private final Database database;

    IdentityProviderRepository(Database database) {
        this.database = database;
    }

    List<DIdentityProvider> all() {
        return new QDIdentityProvider(database).orderBy().name.asc().findList();
    }

    Optional<DIdentityProvider> find(String name) {
        return new QDIdentityProvider(database).name.eq(name).findOneOrEmpty();
    }

    void insert(DIdentityProvider provider) {
        database.insert(provider);
    }

    void update(DIdentityProvider provider) {
        database.update(provider);
    }

    void delete(DIdentityProvider provider) {
        database.delete(provider);
    }

    /** Rows whose secrets an earlier version stored in the clear (secrets_sealed not set yet): name and secrets as JSON text. */
    List<SqlRow> clearSecrets() {
        return database.sqlQuery("SELECT name, secrets::text AS secrets FROM auth_identity_provider WHERE secrets_sealed IS NULL")
                .findList();
    }

    /** Stores a row's sealed secrets and erases the clear copy, unless another node did first; whether this call did. */
    boolean sealSecrets(String name, byte[] sealed) {
        return database.sqlUpdate("UPDATE auth_identity_provider SET secrets_sealed = ?, secrets = '{}' WHERE name = ? AND secrets_sealed IS NULL")
                .setParameter(1, sealed).setParameter(2, name).execute() == 1;
    }

    /** Holds a transaction-scoped advisory lock; call inside a transaction. */
    void lockConfiguration() {
        database.sqlQuery("select 1 from pg_advisory_xact_lock(?)").setParameter(CONFIGURATION_LOCK).findOne();
    }
}

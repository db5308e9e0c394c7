package io.pganalytics.server.auth.provider;

import io.ebean.Database;
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

    /** Holds a transaction-scoped advisory lock; call inside a transaction. */
    void lockConfiguration() {
        database.sqlQuery("select 1 from pg_advisory_xact_lock(?)").setParameter(CONFIGURATION_LOCK).findOne();
    }
}

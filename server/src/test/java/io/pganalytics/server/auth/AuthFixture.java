package io.pganalytics.server.auth;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.zaxxer.hikari.HikariDataSource;
import io.ebean.Database;

import io.helidon.config.ConfigSources;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.audit.AuditConfig;
import io.pganalytics.server.audit.AuditFeature;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.metrics.MetricsRegistry;
import io.pganalytics.server.crypto.CryptoFeature;
import io.pganalytics.server.crypto.EncryptionConfig;
import io.pganalytics.server.db.Migrations;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

/**
 * What the auth services need, real: a fresh PostgreSQL database with every migration applied, an Ebean database
 * on it, and a Hazelcast member of a cluster of its own on 127.0.0.1. Start one per test class.
 */
final class AuthFixture implements AutoCloseable {
    final HikariDataSource dataSource;
    final Database database;
    private HazelcastInstance hazelcast;
    private CryptoFeature crypto;
    private AuditFeature audit;
    final JsonBodies bodies = new JsonBodies(JsonMapping.newMapper(), 1 << 20);
    final SecureRandom random = new SecureRandom();

    private AuthFixture(HikariDataSource dataSource, Database database) {
        this.dataSource = dataSource;
        this.database = database;
    }

    /** The Hazelcast member, started on first use (it takes seconds). */
    synchronized HazelcastInstance hazelcast() {
        if (hazelcast == null) {
            hazelcast = hazelcastMember(TestServers.newClusterName());
        }
        return hazelcast;
    }

    /**
     * The key service on this database, started on first use with a key store of its own (what every feature sealing a
     * value takes); every {@link AuthFeature} of this fixture shares it, as the nodes of a cluster share their keys.
     */
    synchronized CryptoFeature crypto() {
        if (crypto == null) {
            crypto = CryptoFeature.start(EncryptionConfig.from(io.helidon.config.Config.just(ConfigSources.create(Map.of()))), dataSource, hazelcast(),
                    "auth-test", TestServers.tempDir(), Map.of(), Clock.systemUTC());
        }
        return crypto;
    }

    /** The audit trail on this database (started on first use): where user and provider changes are recorded. */
    synchronized AuditLog audit() {
        if (audit == null) {
            audit = new AuditFeature(AuditConfig.defaults(), dataSource, crypto(), "auth-test", Clock.systemUTC(), new MetricsRegistry());
            audit.start();
        }
        return audit.log();
    }

    static AuthFixture start(String hint, Clock clock) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(SharedPostgres.newDatabase(hint));
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(8);
        Migrations.apply(dataSource, "dbmigration", "pga_migration");
        Database database = Database.builder()
                .name("auth-test-" + UUID.randomUUID())
                .dataSource(dataSource)
                .register(false)
                .defaultDatabase(false)
                .ddlGenerate(false)
                .ddlRun(false)
                .runMigration(false)
                .clock(clock)
                .databasePlatformName("postgres")
                .build();
        return new AuthFixture(dataSource, database);
    }

    static HazelcastInstance hazelcastMember(String clusterName) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.getNetworkConfig().setPort(TestServers.freePort()).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getAutoDetectionConfig().setEnabled(false);
        join.getMulticastConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(false);
        return Hazelcast.newHazelcastInstance(config);
    }

    /** Runs SQL that returns one number, for counting rows. */
    long count(String sql) {
        return database.sqlQuery(sql).mapToScalar(Long.class).findOne();
    }

    @Override
    public synchronized void close() {
        if (audit != null) {
            audit.close();
        }
        if (crypto != null) {
            crypto.close();
        }
        if (hazelcast != null) {
            hazelcast.shutdown();
        }
        database.shutdown(false, false);
        dataSource.close();
    }
}

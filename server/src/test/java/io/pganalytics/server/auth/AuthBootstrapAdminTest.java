package io.pganalytics.server.auth;

import io.pganalytics.common.auth.LoginRequest;
import io.pganalytics.server.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The first admin, on a fresh database each test. */
class AuthBootstrapAdminTest {
    private TestClock clock;
    private AuthFixture fixture;
    private PasswordHasher hasher;

    @BeforeEach
    void freshDatabase() {
        clock = TestClock.startingNow();
        fixture = AuthFixture.start("bootstrap", clock);
        hasher = PasswordHasher.from(AuthTesting.config(), new SecureRandom());
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private BootstrapAdmin bootstrap() {
        return new BootstrapAdmin(fixture.database, hasher, new PasswordPolicy(12, 1024), clock, new SecureRandom());
    }

    @Test
    void aRandomPasswordIsWrittenOnceToAnOwnerOnlyFile(@TempDir Path dataDir) throws Exception {
        assertTrue(bootstrap().ensure(dataDir, Map.of()));
        Path file = dataDir.resolve(BootstrapAdmin.PASSWORD_FILE);
        String password = Files.readString(file).strip();
        assertTrue(password.length() >= 20, "long enough: " + password.length());
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(file));
        String hash = fixture.database.sqlQuery("select password_hash from auth_user where username = 'admin'")
                .mapToScalar(String.class).findOne();
        assertTrue(hasher.verify(password, hash));
        assertFalse(hash.contains(password));

        assertFalse(bootstrap().ensure(dataDir, Map.of()), "a second start creates nothing");
        assertEquals(password, Files.readString(file).strip(), "and does not rewrite the file");
        assertEquals(1, fixture.count("select count(*) from auth_user"));
    }

    @Test
    void thePasswordFromTheEnvironmentIsUsedAndNoFileIsWritten(@TempDir Path dataDir) {
        assertTrue(bootstrap().ensure(dataDir, Map.of(BootstrapAdmin.PASSWORD_VARIABLE, "from the environment 123")));
        assertFalse(Files.exists(dataDir.resolve(BootstrapAdmin.PASSWORD_FILE)));
        String hash = fixture.database.sqlQuery("select password_hash from auth_user where username = 'admin'")
                .mapToScalar(String.class).findOne();
        assertTrue(hasher.verify("from the environment 123", hash));
    }

    @Test
    void aWeakPasswordFromTheEnvironmentStopsStartUp(@TempDir Path dataDir) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> bootstrap().ensure(dataDir, Map.of(BootstrapAdmin.PASSWORD_VARIABLE, "short")));
        assertEquals(BootstrapAdmin.PASSWORD_VARIABLE, e.key());
        assertEquals(0, fixture.count("select count(*) from auth_user"));
    }

    @Test
    void nodesStartingTogetherCreateOneAdmin(@TempDir Path dataDir) throws Exception {
        int nodes = 4;
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                Path nodeDir = Files.createDirectories(dataDir.resolve("node" + i));
                results.add(pool.submit(() -> {
                    go.await();
                    return bootstrap().ensure(nodeDir, Map.of());
                }));
            }
            go.countDown();
            int created = 0;
            for (Future<Boolean> result : results) {
                created += result.get() ? 1 : 0;
            }
            assertEquals(1, created);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, fixture.count("select count(*) from auth_user"));
        long files = 0;
        for (int i = 0; i < nodes; i++) {
            files += Files.exists(dataDir.resolve("node" + i).resolve(BootstrapAdmin.PASSWORD_FILE)) ? 1 : 0;
        }
        assertEquals(1, files, "only the node that created the admin wrote a password file");
    }

    @Test
    void theBootstrapPasswordSignsIn(@TempDir Path dataDir) throws Exception {
        try (AuthFeature feature = new AuthFeature(AuthTesting.config(), fixture.database, fixture.crypto(), fixture.hazelcast(), fixture.bodies,
                clock, dataDir, Map.of(), fixture.audit())) {
            feature.start();
            String password = Files.readString(dataDir.resolve(BootstrapAdmin.PASSWORD_FILE)).strip();
            assertEquals("admin", feature.auth().login(new LoginRequest("admin", password), "192.0.2.1").user().username());
        }
    }
}

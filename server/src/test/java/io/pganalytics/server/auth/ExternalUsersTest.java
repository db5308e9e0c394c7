package io.pganalytics.server.auth;

import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.auth.LoginRequest;
import io.pganalytics.common.auth.RefreshRequest;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.auth.TokenResponse;
import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.testing.TestProviderKinds;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.pganalytics.server.auth.AuthTesting.assertApiError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the directory sync uses: a provider's users listed, their roles set (a role taken away ends their sessions),
 * users the directory lost disabled (sessions ended, sign-in refused). The provider comes from the configuration.
 */
class ExternalUsersTest {
    private static final String PROVIDER = "ext";
    private static final String DIRECTORY = "external-users-people";
    private static AuthFixture fixture;
    private static AuthFeature feature;
    private static Path dataDir;

    @BeforeAll
    static void start(@TempDir Path dir) {
        dataDir = dir;
        TestClock clock = TestClock.startingNow();
        fixture = AuthFixture.start("external_users", clock);
        feature = new AuthFeature(AuthTesting.config(
                "providers.0.name", PROVIDER,
                "providers.0.kind", TestProviderKinds.DIRECTORY,
                "providers.0.settings.directory", DIRECTORY,
                "providers.0.role-mapping.rules.0.attribute", "groups",
                "providers.0.role-mapping.rules.0.value", "ops",
                "providers.0.role-mapping.rules.0.role", "operator"),
                fixture.database, fixture.crypto(), fixture.hazelcast(), fixture.bodies, clock, dataDir,
                Map.of(BootstrapAdmin.PASSWORD_VARIABLE, AuthTesting.ADMIN_PASSWORD), fixture.audit(), TestProviderKinds.all());
        feature.start();
    }

    @AfterAll
    static void stop() {
        feature.close();
        fixture.close();
    }

    private static TokenResponse signIn(String username) {
        return feature.auth().login(new LoginRequest(username, username + "-pw", PROVIDER), "127.0.0.1");
    }

    private static boolean refreshes(TokenResponse tokens) {
        try {
            feature.auth().refresh(new RefreshRequest(tokens.refreshToken()));
            return true;
        } catch (io.pganalytics.server.http.ApiException e) {
            return false;
        }
    }

    private static void person(String username) {
        TestProviderKinds.put(DIRECTORY, username, new TestProviderKinds.Person("uid=" + username + ",ou=people", username + "-pw",
                null, null, Set.of("ops")));
    }

    @Test
    void aProvidersUsersAreListedWithTheirSubjects() {
        String username = AuthTesting.uniqueName("ivy");
        person(username);
        long id = signIn(username).user().id();
        List<ExternalUsers.ExternalUser> users = feature.externalUsers().of(PROVIDER);
        assertTrue(users.contains(new ExternalUsers.ExternalUser(id, username, "uid=" + username + ",ou=people", Set.of(Role.OPERATOR), true)),
                users.toString());
        assertTrue(feature.externalUsers().of("local").isEmpty(), "local users are not a provider's");
    }

    @Test
    void takingARoleAwayEndsTheUsersSessionsAndAddingOneDoesNot() {
        String username = AuthTesting.uniqueName("jack");
        person(username);
        TokenResponse first = signIn(username);
        long id = first.user().id();
        assertTrue(feature.externalUsers().updateRoles(id, Set.of(Role.OPERATOR, Role.AUDITOR)));
        assertTrue(refreshes(first), "a role added leaves the session alone");

        TokenResponse second = signIn(username);
        assertFalse(feature.externalUsers().updateRoles(id, Set.of(Role.OPERATOR)), "the sign-in already set them");
        assertTrue(feature.externalUsers().updateRoles(id, Set.of(Role.VIEWER)));
        assertFalse(refreshes(second), "a role taken away ends the session");
        assertEquals(Set.of(Role.VIEWER), feature.users().get(id).roles());
    }

    @Test
    void aUserDisabledByTheSyncLosesTheirSessionsAndCannotSignIn() {
        String username = AuthTesting.uniqueName("kim");
        person(username);
        TokenResponse tokens = signIn(username);
        long id = tokens.user().id();
        assertTrue(feature.externalUsers().disable(id, "not in the directory"));
        assertFalse(feature.externalUsers().disable(id, "not in the directory"), "already disabled");
        assertFalse(refreshes(tokens));
        assertApiError(ErrorType.UNAUTHENTICATED, () -> signIn(username));
        assertFalse(feature.users().get(id).enabled());
    }

    @Test
    void aLocalUserIsNotChangedThroughExternalUsers() {
        String username = AuthTesting.uniqueName("local");
        long id = AuthTesting.createUser(feature, username, "a long enough password", Role.ADMIN).id();
        assertApiError(ErrorType.NOT_FOUND, () -> feature.externalUsers().updateRoles(id, Set.of(Role.VIEWER)));
        assertApiError(ErrorType.NOT_FOUND, () -> feature.externalUsers().disable(id, "x"));
        assertTrue(feature.users().get(id).enabled());
    }

    @Test
    void aConfiguredProviderOfAnUnknownKindStopsTheStartNamingItsKey() {
        try (AuthFeature other = new AuthFeature(AuthTesting.config("providers.0.name", "mystery", "providers.0.kind", "kerberos",
                "providers.0.role-mapping.default-role", "viewer"), fixture.database, fixture.crypto(), fixture.hazelcast(), fixture.bodies,
                TestClock.startingNow(), dataDir, Map.of(BootstrapAdmin.PASSWORD_VARIABLE, AuthTesting.ADMIN_PASSWORD), fixture.audit(),
                TestProviderKinds.all())) {
            ConfigException e = assertThrows(ConfigException.class, other::start);
            assertEquals("providers.0.kind", e.key(), e.getMessage());
        }
        try (AuthFeature other = new AuthFeature(AuthTesting.config("providers.0.name", "bad-settings", "providers.0.kind",
                TestProviderKinds.DIRECTORY, "providers.0.role-mapping.default-role", "viewer"), fixture.database, fixture.crypto(), fixture.hazelcast(),
                fixture.bodies, TestClock.startingNow(), dataDir, Map.of(BootstrapAdmin.PASSWORD_VARIABLE, AuthTesting.ADMIN_PASSWORD), fixture.audit(),
                TestProviderKinds.all())) {
            ConfigException e = assertThrows(ConfigException.class, other::start);
            assertEquals("providers.0.settings.directory", e.key(), e.getMessage());
        }
    }
}

package io.pganalytics.server.auth;

import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.auth.CreateUserRequest;
import io.pganalytics.common.auth.LoginRequest;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.auth.UpdateUserRequest;
import io.pganalytics.common.auth.UserPage;
import io.pganalytics.common.auth.UserView;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.Caller;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static io.pganalytics.server.auth.AuthTesting.assertApiError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What admins may do with users, and what keeps at least one admin. */
class UserServiceTest {
    private static final String PASSWORD = "a long enough password";
    private static AuthFixture fixture;
    private static AuthFeature feature;

    @BeforeAll
    static void start(@TempDir Path dataDir) {
        TestClock clock = TestClock.startingNow();
        fixture = AuthFixture.start("user_service", clock);
        feature = new AuthFeature(AuthTesting.config(), fixture.database, fixture.crypto(), fixture.hazelcast(), fixture.bodies, clock, dataDir,
                Map.of(BootstrapAdmin.PASSWORD_VARIABLE, AuthTesting.ADMIN_PASSWORD), fixture.audit());
        feature.start();
    }

    @AfterAll
    static void stop() {
        feature.close();
        fixture.close();
    }

    private static Caller callerFor(UserView user) {
        return new Caller(Caller.Kind.USER, Long.toString(user.id()), user.username(), user.roles(), "s");
    }

    @Test
    void aCreatedUserIsListedAndReadBackWithoutItsPassword() {
        String name = AuthTesting.uniqueName("reader");
        UserView created = feature.users().create(new CreateUserRequest(name, "Rea Der", PASSWORD, Set.of(Role.VIEWER, Role.AUDITOR)),
                AuthTesting.adminCaller(feature));
        assertEquals(Set.of(Role.VIEWER, Role.AUDITOR), created.roles());
        assertEquals("local", created.source());
        assertTrue(created.enabled());
        assertEquals(created, feature.users().get(created.id()));
        UserPage page = feature.users().list(0, 500);
        assertTrue(page.items().contains(created));
        assertEquals(page.total(), page.items().size());
    }

    @Test
    void listingIsPaginated() {
        for (int i = 0; i < 3; i++) {
            AuthTesting.createUser(feature, AuthTesting.uniqueName("paged"), PASSWORD, Role.VIEWER);
        }
        UserPage first = feature.users().list(0, 2);
        UserPage second = feature.users().list(2, 2);
        assertEquals(2, first.items().size());
        assertFalse(second.items().isEmpty());
        Set<Long> ids = new HashSet<>();
        first.items().forEach(u -> ids.add(u.id()));
        second.items().forEach(u -> assertTrue(ids.add(u.id()), "pages do not overlap"));
    }

    @Test
    void invalidUsersAreRefusedWithEveryProblemNamed() {
        long before = fixture.count("select count(*) from auth_user");
        ApiException e = assertApiError(ErrorType.VALIDATION_FAILED, () -> feature.users().create(
                new CreateUserRequest("x'; drop table auth_user; --", null, "short", Set.of()), AuthTesting.adminCaller(feature)));
        assertEquals(Set.of("username", "password", "roles"), Set.copyOf(e.details().stream().map(d -> d.field()).toList()));
        assertApiError(ErrorType.VALIDATION_FAILED, () -> feature.users().create(
                new CreateUserRequest("ok-name", null, PASSWORD, null), AuthTesting.adminCaller(feature)));
        assertApiError(ErrorType.VALIDATION_FAILED, () -> feature.users().create(
                new CreateUserRequest("ok-name", "bad\u0000name", PASSWORD, Set.of(Role.VIEWER)), AuthTesting.adminCaller(feature)));
        assertEquals(before, fixture.count("select count(*) from auth_user"));
    }

    @Test
    void aDuplicateUserNameInAnyCaseIsAConflict() {
        String name = AuthTesting.uniqueName("Twin");
        AuthTesting.createUser(feature, name, PASSWORD, Role.VIEWER);
        assertApiError(ErrorType.CONFLICT, () -> AuthTesting.createUser(feature, name.toLowerCase(), PASSWORD, Role.VIEWER));
    }

    @Test
    void anAdminCannotDemoteDisableOrDeleteThemself() {
        Caller admin = AuthTesting.adminCaller(feature);
        long id = Long.parseLong(admin.id());
        assertApiError(ErrorType.CONFLICT, () -> feature.users().update(id, new UpdateUserRequest(null, null, Set.of(Role.VIEWER), null), admin));
        assertApiError(ErrorType.CONFLICT, () -> feature.users().update(id, new UpdateUserRequest(null, null, null, false), admin));
        assertApiError(ErrorType.CONFLICT, () -> feature.users().delete(id, admin));
        assertTrue(feature.users().get(id).roles().contains(Role.ADMIN));
    }

    @Test
    void theLastEnabledAdminCannotBeDemotedOrDeletedByAnother() {
        UserView second = AuthTesting.createUser(feature, AuthTesting.uniqueName("admin"), PASSWORD, Role.ADMIN);
        Caller bootstrapAdmin = AuthTesting.adminCaller(feature);
        // The second admin demotes the bootstrap admin: allowed, there are two.
        feature.users().update(Long.parseLong(bootstrapAdmin.id()), new UpdateUserRequest(null, null, Set.of(Role.VIEWER), null),
                callerFor(second));
        try {
            // Now the bootstrap admin (still holding an admin token) cannot remove the last admin.
            assertApiError(ErrorType.CONFLICT, () -> feature.users().update(second.id(),
                    new UpdateUserRequest(null, null, Set.of(Role.OPERATOR), null), bootstrapAdmin));
            assertApiError(ErrorType.CONFLICT, () -> feature.users().delete(second.id(), bootstrapAdmin));
        } finally {
            feature.users().update(Long.parseLong(bootstrapAdmin.id()), new UpdateUserRequest(null, null, Set.of(Role.ADMIN), null),
                    callerFor(second));
        }
        feature.users().delete(second.id(), bootstrapAdmin);
    }

    @Test
    void aPasswordResetByAnAdminReplacesTheOldPassword() {
        String name = AuthTesting.uniqueName("forgetful");
        UserView user = AuthTesting.createUser(feature, name, PASSWORD, Role.VIEWER);
        feature.users().update(user.id(), new UpdateUserRequest(null, "a brand new password", null, null), AuthTesting.adminCaller(feature));
        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.auth().login(new LoginRequest(name, PASSWORD), "192.0.2.30"));
        assertEquals(name, feature.auth().login(new LoginRequest(name, "a brand new password"), "192.0.2.30").user().username());
        assertApiError(ErrorType.VALIDATION_FAILED, () -> feature.users().update(user.id(),
                new UpdateUserRequest(null, "short", null, null), AuthTesting.adminCaller(feature)));
    }

    @Test
    void anUnknownUserIsNotFound() {
        assertApiError(ErrorType.NOT_FOUND, () -> feature.users().get(987_654_321L));
        assertApiError(ErrorType.NOT_FOUND, () -> feature.users().delete(987_654_321L, AuthTesting.adminCaller(feature)));
    }
}

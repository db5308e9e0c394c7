package io.pganalytics.server.auth;

import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.auth.LoginRequest;
import io.pganalytics.common.auth.RefreshRequest;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.auth.TokenResponse;
import io.pganalytics.common.auth.UpdateUserRequest;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.Caller;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static io.pganalytics.server.auth.AuthTesting.assertApiError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Login, refresh rotation and reuse detection, logout, and ending sessions, against real PostgreSQL and Hazelcast. */
class AuthServiceTest {
    private static final String PASSWORD = "a long enough password";
    private static final String ADDRESS = "192.0.2.10";
    private static TestClock clock;
    private static AuthFixture fixture;
    private static AuthFeature feature;

    @BeforeAll
    static void start(@TempDir Path dataDir) {
        clock = TestClock.startingNow();
        fixture = AuthFixture.start("auth_service", clock);
        feature = new AuthFeature(AuthTesting.config(), fixture.database, fixture.crypto(), fixture.hazelcast(), fixture.bodies, clock, dataDir,
                Map.of(BootstrapAdmin.PASSWORD_VARIABLE, AuthTesting.ADMIN_PASSWORD), fixture.audit());
        feature.start();
    }

    @AfterAll
    static void stop() {
        feature.close();
        fixture.close();
    }

    private static String newUser(Role... roles) {
        String name = AuthTesting.uniqueName("user");
        AuthTesting.createUser(feature, name, PASSWORD, roles);
        return name;
    }

    private static TokenResponse login(String name) {
        return feature.auth().login(new LoginRequest(name, PASSWORD), ADDRESS);
    }

    @Test
    void loginReturnsAnAccessTokenThatAuthenticatesWithTheUsersRolesAndSession() {
        String name = newUser(Role.OPERATOR, Role.AUDITOR);
        TokenResponse tokens = login(name);
        assertEquals("Bearer", tokens.tokenType());
        assertEquals(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plus(Duration.ofMinutes(15)),
                tokens.accessTokenExpiresAt());
        Caller caller = feature.tokens().verify(tokens.accessToken());
        assertEquals(name, caller.name());
        assertEquals(Long.toString(tokens.user().id()), caller.id());
        assertEquals(Set.of(Role.OPERATOR, Role.AUDITOR), caller.roles());
        assertTrue(caller.sessionId().length() >= 20, caller.sessionId());
        assertEquals(43, tokens.refreshToken().length(), "256 random bits, base64url");
        assertEquals(name, feature.auth().me(caller).username());
        assertEquals(clock.instant(), feature.auth().me(caller).lastLoginAt());
    }

    @Test
    void theRefreshTokenIsStoredOnlyAsItsHash() {
        TokenResponse tokens = login(newUser(Role.VIEWER));
        assertEquals(0, fixture.count("select count(*) from auth_refresh_token where encode(token_hash, 'escape') like '%"
                + tokens.refreshToken().substring(0, 10) + "%'"));
        assertEquals(1, fixture.count("select count(*) from auth_refresh_token where token_hash = decode('"
                + java.util.HexFormat.of().formatHex(AuthService.sha256(tokens.refreshToken())) + "', 'hex')"));
    }

    @Test
    void aWrongPasswordAndAnUnknownUserGetTheSameRefusal() {
        String name = newUser(Role.VIEWER);
        ApiException wrong = assertApiError(ErrorType.UNAUTHENTICATED,
                () -> feature.auth().login(new LoginRequest(name, "not the password at all"), ADDRESS));
        ApiException unknown = assertApiError(ErrorType.UNAUTHENTICATED,
                () -> feature.auth().login(new LoginRequest(name + "-nobody", PASSWORD), ADDRESS));
        assertEquals(wrong.getMessage(), unknown.getMessage());
        assertEquals(AuthService.WRONG_CREDENTIALS, wrong.getMessage());
    }

    @Test
    void refreshRotatesTheRefreshTokenWithinTheSameSession() {
        TokenResponse first = login(newUser(Role.VIEWER));
        clock.advance(Duration.ofMinutes(1));
        TokenResponse second = feature.auth().refresh(new RefreshRequest(first.refreshToken()));
        assertNotEquals(first.refreshToken(), second.refreshToken());
        assertNotEquals(first.accessToken(), second.accessToken());
        assertEquals(feature.tokens().verify(first.accessToken()).sessionId(), feature.tokens().verify(second.accessToken()).sessionId());
        TokenResponse third = feature.auth().refresh(new RefreshRequest(second.refreshToken()));
        assertEquals(first.user().id(), third.user().id());
    }

    @Test
    void aReusedRefreshTokenIsRefusedAndRevokesItsWholeFamily() {
        TokenResponse first = login(newUser(Role.VIEWER));
        TokenResponse second = feature.auth().refresh(new RefreshRequest(first.refreshToken()));

        ApiException reuse = assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.auth().refresh(new RefreshRequest(first.refreshToken())));
        assertTrue(reuse.getMessage().contains("already used"), reuse.getMessage());

        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.auth().refresh(new RefreshRequest(second.refreshToken())));
        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.tokens().verify(second.accessToken()));
        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.tokens().verify(first.accessToken()));
    }

    @Test
    void aReuseInOneSessionLeavesTheUsersOtherSessionsAlone() {
        String name = newUser(Role.VIEWER);
        TokenResponse stolen = login(name);
        TokenResponse other = login(name);
        feature.auth().refresh(new RefreshRequest(stolen.refreshToken()));
        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.auth().refresh(new RefreshRequest(stolen.refreshToken())));
        feature.tokens().verify(other.accessToken());
        feature.auth().refresh(new RefreshRequest(other.refreshToken()));
    }

    @Test
    void anUnknownOrOversizedRefreshTokenIsRefused() {
        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.auth().refresh(new RefreshRequest("x".repeat(43))));
        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.auth().refresh(new RefreshRequest("x".repeat(100_000))));
        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.auth().refresh(new RefreshRequest(null)));
    }

    @Test
    void logoutRefusesTheSessionsAccessAndRefreshTokens() {
        TokenResponse tokens = login(newUser(Role.VIEWER));
        Caller caller = feature.tokens().verify(tokens.accessToken());
        feature.auth().logout(caller);
        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.tokens().verify(tokens.accessToken()));
        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.auth().refresh(new RefreshRequest(tokens.refreshToken())));
    }

    @Test
    void anAccessTokenExpiresAfterItsLifetimeAndARefreshTokenAfterItsOwn() {
        TokenResponse tokens = login(newUser(Role.VIEWER));
        clock.advance(Duration.ofMinutes(15).plus(AccessTokens.CLOCK_SKEW));
        ApiException expired = assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.tokens().verify(tokens.accessToken()));
        assertTrue(expired.getMessage().contains("expired"), expired.getMessage());
        TokenResponse refreshed = feature.auth().refresh(new RefreshRequest(tokens.refreshToken()));
        clock.advance(Duration.ofDays(7));
        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.auth().refresh(new RefreshRequest(refreshed.refreshToken())));
    }

    @Test
    void disablingAUserEndsTheirSessionsAtOnce() {
        String name = newUser(Role.OPERATOR);
        TokenResponse tokens = login(name);
        feature.users().update(tokens.user().id(), new UpdateUserRequest(null, null, null, false), AuthTesting.adminCaller(feature));
        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.tokens().verify(tokens.accessToken()));
        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.auth().refresh(new RefreshRequest(tokens.refreshToken())));
        assertApiError(ErrorType.UNAUTHENTICATED, () -> login(name));
    }

    @Test
    void deletingAUserEndsTheirSessionsAtOnce() {
        TokenResponse tokens = login(newUser(Role.VIEWER));
        feature.users().delete(tokens.user().id(), AuthTesting.adminCaller(feature));
        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.tokens().verify(tokens.accessToken()));
        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.auth().refresh(new RefreshRequest(tokens.refreshToken())));
    }

    @Test
    void aTamperedAccessTokenIsRefused() {
        TokenResponse tokens = login(newUser(Role.VIEWER));
        String[] parts = tokens.accessToken().split("\\.");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"viewer\"", "\"admin\"");
        String forged = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[2];
        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.tokens().verify(forged));
        String unsigned = "eyJhbGciOiJub25lIn0." + parts[1] + ".";
        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.tokens().verify(unsigned));
        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.tokens().verify("not.a.jwt"));
    }
}

package io.pganalytics.server.auth;

import io.ebean.Database;
import io.ebean.Transaction;
import io.pganalytics.common.auth.LoginRequest;
import io.pganalytics.common.auth.RefreshRequest;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.auth.TokenResponse;
import io.pganalytics.common.auth.UserView;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.auth.ProviderSummary;
import io.pganalytics.server.auth.provider.IdentityProviders;
import io.pganalytics.server.auth.provider.PasswordProvider;
import io.pganalytics.server.auth.mfa.MfaGate;
import io.pganalytics.server.auth.mfa.MfaSessions;
import io.pganalytics.server.auth.mfa.MfaUser;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.RequestParameters;
import io.pganalytics.server.http.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Sign-in, refresh, sign-out. A login opens a session (a family of refresh tokens); each refresh spends one
 * refresh token and hands out the next of the same family. Presenting a spent token again means it was copied:
 * the whole family is revoked, its access tokens included (through {@link RevokedSessions}). A person who owes a second
 * factor ({@link MfaGate}) gets a challenge instead of a session; MFA opens the session once it is proven
 * ({@link MfaSessions}).
 */
final class AuthService implements MfaSessions {
    static final String WRONG_CREDENTIALS = "the user name or password is wrong";
    static final String BAD_REFRESH_TOKEN = "the refresh token is not valid: sign in again";
    private static final Logger LOG = LoggerFactory.getLogger(AuthService.class);
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final int MAX_REFRESH_TOKEN_LENGTH = 128;

    private final Database database;
    private final UserRepository users;
    private final SessionRepository sessions;
    private final PasswordHasher hasher;
    private final AccessTokens accessTokens;
    private final RevokedSessions revoked;
    private final LoginThrottle throttle;
    private final Clock clock;
    private final SecureRandom random;
    private final Duration refreshTokenTtl;
    private final Duration sessionMaxAge;
    private final Semaphore loginTurns;
    private final Duration loginQueueWait;
    private final IdentityProviders providers;
    private final SignIns signIns;
    private final MfaGate mfa;
    private final AuthEvents events;

    AuthService(Database database, PasswordHasher hasher, AccessTokens accessTokens, RevokedSessions revoked,
                LoginThrottle throttle, Clock clock, SecureRandom random, AuthConfig config, IdentityProviders providers,
                MfaGate mfa, AuthEvents events) {
        this.mfa = mfa;
        this.events = events;
        this.database = database;
        this.users = new UserRepository(database);
        this.sessions = new SessionRepository(database);
        this.hasher = hasher;
        this.accessTokens = accessTokens;
        this.revoked = revoked;
        this.throttle = throttle;
        this.clock = clock;
        this.random = random;
        this.refreshTokenTtl = config.refreshTokenTtl();
        this.sessionMaxAge = config.sessionMaxAge();
        this.loginTurns = new Semaphore(config.maxConcurrentLogins(), true);
        this.loginQueueWait = config.loginQueueWait();
        this.providers = providers;
        // SignIns ends in openSession below; it only keeps the reference until a sign-in calls it.
        this.signIns = new SignIns(database, this, providers, clock, events);
    }

    SignIns signIns() {
        return signIns;
    }

    TokenResponse login(LoginRequest request, String clientAddress) {
        String username = request.username();
        String password = request.password();
        if (username == null || username.isBlank()) {
            throw ApiException.invalid("username", "is required");
        }
        if (password == null || password.isEmpty()) {
            throw ApiException.invalid("password", "is required");
        }
        String providerName = request.provider();
        PasswordProvider provider = null;
        if (providerName != null && !providerName.equals(ProviderSummary.LOCAL)) {
            provider = providers.passwordProvider(providerName).orElseThrow(() -> ApiException.invalid("provider",
                    "no enabled identity provider named '" + RequestParameters.abbreviate(providerName)
                            + "' signs in with a password here: see GET /api/v1/auth/providers"));
        }
        String method = provider == null ? "local" : provider.definition().kind();
        try {
            throttle.checkAllowed(username, clientAddress);
        } catch (ApiException e) {
            events.anonymous("auth.login", AuditEvent.Outcome.DENIED, Map.of("method", method, "reason",
                    "too many failed sign-ins for this name or address (" + e.type().wireName() + ")"));
            throw e;
        }
        // Bounded: a flood of sign-ins queues briefly here, then gets 503, instead of piling onto the database pool.
        try {
            if (!loginTurns.tryAcquire(loginQueueWait.toMillis(), TimeUnit.MILLISECONDS)) {
                events.anonymous("auth.login", AuditEvent.Outcome.FAILURE, Map.of("method", method, "reason",
                        "too many sign-ins in progress on this node"));
                throw ApiException.unavailable("too many sign-ins are in progress on this server; try again shortly",
                        Duration.ofSeconds(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("the server is stopping", Duration.ofSeconds(2));
        }
        try {
            return provider == null ? admitted(username, password, clientAddress)
                    : admittedBy(provider, username, password, clientAddress);
        } finally {
            loginTurns.release();
        }
    }

    private TokenResponse admitted(String username, String password, String clientAddress) {
        Optional<DUser> found = Users.isValidUsername(username) ? users.findByUsername(username) : Optional.empty();
        // A user of an identity provider has no password here: they sign in through their provider only.
        boolean matches = found.isPresent() && !found.get().isExternal() && found.get().getPasswordHash() != null
                ? hasher.verify(password, found.get().getPasswordHash())
                : hasher.verifyNothing(password);
        if (!matches || !found.get().isEnabled()) {
            throttle.recordFailure(username, clientAddress);
            // Only names of existing users are logged: an unknown "name" is too often a password typed in the wrong field.
            if (found.isPresent()) {
                LOG.info("login: failed for user {} ({}) from {}", found.get().getId(), found.get().getUsername(), clientAddress);
                DUser user = found.get();
                String reason = !matches ? (user.isExternal() ? "a user of identity provider " + user.getSource() + " has no password here"
                        : "wrong password") : "the user is disabled";
                events.user("auth.login", AuditEvent.Outcome.FAILURE, user.getId(), user.getUsername(), RoleNames.fromStored(user.getRoles()),
                        Map.of("method", "local", "reason", reason));
            } else {
                LOG.info("login: failed for an unknown user name from {}", clientAddress);
                events.anonymous("auth.login", AuditEvent.Outcome.FAILURE, Map.of("method", "local", "reason", "unknown user name"));
            }
            throw ApiException.unauthenticated(WRONG_CREDENTIALS);
        }
        DUser user = found.get();
        throttle.recordSuccess(username);
        if (hasher.needsRehash(user.getPasswordHash())) {
            users.replacePasswordHash(user.getId(), user.getPasswordHash(), hasher.hash(password));
        }
        return openSession(user, Set.of(AuthMethods.PASSWORD), clientAddress);
    }

    /**
     * A sign-in checked by an identity provider (LDAP): throttled and answered as a local one, so that a wrong password,
     * an unknown name and a refused role mapping look alike; then {@link SignIns} finds or makes the local user.
     */
    private TokenResponse admittedBy(PasswordProvider provider, String username, String password, String clientAddress) {
        String name = provider.definition().name();
        ExternalIdentity identity;
        try {
            identity = provider.authenticate(username, password);
        } catch (ApiException e) {
            if (e.type() != ErrorType.UNAUTHENTICATED) {
                events.anonymous("auth.login", AuditEvent.Outcome.FAILURE, Map.of("method", provider.definition().kind(), "provider", name,
                        "reason", "the identity provider could not be asked (" + e.type().wireName() + ")"));
                throw e; // the directory is down or slow: not the person's failure
            }
            throttle.recordFailure(username, clientAddress);
            LOG.info("login: failed through identity provider {} from {}", name, clientAddress);
            events.anonymous("auth.login", AuditEvent.Outcome.FAILURE, Map.of("method", provider.definition().kind(), "provider", name,
                    "reason", "the identity provider refused the credentials"));
            throw ApiException.unauthenticated(WRONG_CREDENTIALS);
        }
        if (!identity.provider().equals(name)) {
            throw new IllegalStateException("identity provider " + name + " vouched for a person of provider " + identity.provider());
        }
        throttle.recordSuccess(username);
        return signIns.signIn(identity, clientAddress);
    }

    /**
     * Where every sign-in ends once its first factor is proven (a local password, a directory bind, an identity
     * provider's assertion): opens a session and issues the tokens. {@code authMethods} are RFC 8176 {@code amr}
     * values ({@link AuthMethods}) saying how the person proved who they are. A person who enrolled a second factor, or
     * whom the MFA policy requires to use one, gets a challenge (no tokens) unless {@code authMethods} holds an identity
     * provider's proof of one that the configuration trusts.
     */
    TokenResponse openSession(DUser user, Set<String> authMethods, String clientAddress) {
        MfaUser person = mfaUser(user);
        Optional<io.pganalytics.common.auth.MfaChallenge> owed = mfa.challenge(person, authMethods, clientAddress);
        if (owed.isPresent()) {
            events.user("auth.login.second-factor-owed", AuditEvent.Outcome.SUCCESS, user.getId(), user.getUsername(), person.roles(),
                    Map.of("method", AuthEvents.method(user, providers), "authMethods", new java.util.TreeSet<>(authMethods)));
            return TokenResponse.challenge(owed.get());
        }
        return issueSession(user, authMethods, clientAddress, mfa.providerProvedSecondFactor(authMethods) ? clock.instant() : null);
    }

    @Override
    public Optional<MfaUser> user(long id) {
        return users.findById(id).map(AuthService::mfaUser);
    }

    @Override
    public TokenResponse open(MfaUser person, Set<String> authMethods, String clientAddress, Instant secondFactorAt) {
        DUser user = users.findById(person.id()).filter(DUser::isEnabled)
                .orElseThrow(() -> ApiException.unauthenticated("the user no longer exists or is disabled"));
        return issueSession(user, authMethods, clientAddress, secondFactorAt);
    }

    @Override
    public TokenResponse stepUp(Caller caller, Instant secondFactorAt) {
        DSession session = sessions.findSession(caller.sessionId())
                .filter(s -> s.getRevokedAt() == null && s.getExpiresAt().isAfter(clock.instant()))
                .orElseThrow(() -> ApiException.unauthenticated("the session has ended: sign in again"));
        DUser user = users.findById(session.getUserId()).filter(DUser::isEnabled)
                .orElseThrow(() -> ApiException.unauthenticated("the session has ended: sign in again"));
        sessions.recordSecondFactor(session.getId(), secondFactorAt);
        AccessTokens.Issued access = accessTokens.issue(user.getId(), user.getUsername(), RoleNames.fromStored(user.getRoles()),
                session.getId(), secondFactorAt);
        return new TokenResponse(access.token(), "Bearer", access.expiresAt(), null, null, Users.view(user));
    }

    @Override
    public int endSessions(long userId, String reason) {
        return revokeSessionsOf(userId, reason);
    }

    private static MfaUser mfaUser(DUser user) {
        return new MfaUser(user.getId(), user.getUsername(), RoleNames.fromStored(user.getRoles()), user.isEnabled());
    }

    /** Opens the session and issues its tokens: the first factor, and any second one owed, are proven. */
    private TokenResponse issueSession(DUser user, Set<String> authMethods, String clientAddress, Instant secondFactorAt) {
        Instant now = clock.instant();
        String sessionId = newSessionId();
        String refreshToken;
        Instant refreshExpires;
        try (Transaction tx = database.beginTransaction()) {
            DSession session = new DSession();
            session.setId(sessionId);
            session.setUserId(user.getId());
            session.setCreatedAt(now);
            session.setExpiresAt(now.plus(sessionMaxAge));
            session.setClientAddress(clientAddress.length() > 64 ? clientAddress.substring(0, 64) : clientAddress);
            session.setSecondFactorAt(secondFactorAt);
            sessions.insert(session);
            refreshExpires = min(now.plus(refreshTokenTtl), session.getExpiresAt());
            refreshToken = issueRefreshToken(sessionId, now, refreshExpires);
            users.recordLogin(user.getId(), now);
            tx.commit();
        }
        LOG.info("login: user {} ({}) signed in from {} by {}, session {}", user.getId(), user.getUsername(), clientAddress,
                authMethods, sessionId);
        Map<String, Object> details = new java.util.TreeMap<>();
        details.put("method", AuthEvents.method(user, providers));
        details.put("authMethods", new java.util.TreeSet<>(authMethods));
        if (user.isExternal()) {
            details.put("provider", user.getSource());
        }
        events.user("auth.login", AuditEvent.Outcome.SUCCESS, user.getId(), user.getUsername(), RoleNames.fromStored(user.getRoles()), details);
        user.setLastLoginAt(now);
        return tokens(user, sessionId, refreshToken, refreshExpires, secondFactorAt);
    }

    TokenResponse refresh(RefreshRequest request) {
        String token = request.refreshToken();
        if (token == null || token.isEmpty() || token.length() > MAX_REFRESH_TOKEN_LENGTH) {
            events.anonymous("auth.refresh", AuditEvent.Outcome.DENIED, Map.of("reason", "no refresh token, or one of an impossible length"));
            throw ApiException.unauthenticated(BAD_REFRESH_TOKEN);
        }
        Instant now = clock.instant();
        Refreshed refreshed;
        try (Transaction tx = database.beginTransaction()) {
            refreshed = spend(token, now);
            tx.commit();
        }
        if (refreshed.refusal() != null) {
            if (refreshed.revokedSession() != null) {
                revoked.revoke(refreshed.revokedSession());
            }
            events.anonymous("auth.refresh", AuditEvent.Outcome.DENIED, Map.of("reason", refreshed.refusal().getMessage(),
                    "sessionRevoked", refreshed.revokedSession() != null));
            throw refreshed.refusal();
        }
        DUser user = refreshed.user();
        events.user("auth.refresh", AuditEvent.Outcome.SUCCESS, user.getId(), user.getUsername(), RoleNames.fromStored(user.getRoles()),
                Map.of());
        return tokens(refreshed.user(), refreshed.sessionId(), refreshed.refreshToken(), refreshed.refreshExpires(),
                refreshed.secondFactorAt());
    }

    /** Spends one refresh token inside the caller's transaction; a refusal that revoked a session is committed too. */
    private Refreshed spend(String token, Instant now) {
        Optional<DRefreshToken> found = sessions.findTokenByHash(sha256(token));
        if (found.isEmpty()) {
            return Refreshed.refused(ApiException.unauthenticated(BAD_REFRESH_TOKEN), null);
        }
        DRefreshToken presented = found.get();
        String sessionId = presented.getSessionId();
        DSession session = sessions.findSession(sessionId).orElse(null);
        if (session == null || session.getRevokedAt() != null) {
            return Refreshed.refused(ApiException.unauthenticated("the session has ended: sign in again"), null);
        }
        if (presented.getUsedAt() != null || !sessions.markUsed(presented.getId(), now)) {
            sessions.revoke(sessionId, now, "refresh-token-reused");
            LOG.warn("refresh: session {} of user {}: a refresh token was presented again after use; the session is revoked",
                    sessionId, session.getUserId());
            return Refreshed.refused(ApiException.unauthenticated(
                    "the refresh token was already used: the session is revoked for safety; sign in again"), sessionId);
        }
        if (!presented.getExpiresAt().isAfter(now) || !session.getExpiresAt().isAfter(now)) {
            return Refreshed.refused(ApiException.unauthenticated("the refresh token has expired: sign in again"), null);
        }
        Optional<DUser> user = users.findById(session.getUserId());
        if (user.isEmpty() || !user.get().isEnabled()) {
            sessions.revoke(sessionId, now, "user-disabled");
            return Refreshed.refused(ApiException.unauthenticated("the session has ended: sign in again"), sessionId);
        }
        Instant expires = min(now.plus(refreshTokenTtl), session.getExpiresAt());
        String next = issueRefreshToken(sessionId, now, expires);
        return new Refreshed(user.get(), sessionId, next, expires, session.getSecondFactorAt(), null, null);
    }

    void logout(Caller caller) {
        Instant now = clock.instant();
        // The cluster learns first: if the database write fails, the session's access tokens are refused anyway.
        revoked.revoke(caller.sessionId());
        sessions.revoke(caller.sessionId(), now, "logout");
        LOG.info("logout: user {} ({}) ended session {}", caller.id(), caller.name(), caller.sessionId());
        events.caller("auth.logout", AuditEvent.Outcome.SUCCESS, caller, Map.of());
    }

    UserView me(Caller caller) {
        return users.findById(Long.parseLong(caller.id()))
                .map(Users::view)
                .orElseThrow(() -> ApiException.unauthenticated("the signed-in user no longer exists"));
    }

    /**
     * Revokes every live session of a user, in the database (inside the caller's transaction) and in the cluster.
     * The cluster learns first, so that a failed commit errs on the side of signing the user out.
     */
    int revokeSessionsOf(long userId, String reason) {
        Instant now = clock.instant();
        List<String> live = sessions.liveSessionIds(userId, now);
        live.forEach(revoked::revoke);
        sessions.revokeAllOf(userId, now, reason);
        return live.size();
    }

    private String issueRefreshToken(String sessionId, Instant now, Instant expires) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = B64URL.encodeToString(secret);
        DRefreshToken row = new DRefreshToken();
        row.setSessionId(sessionId);
        row.setTokenHash(sha256(token));
        row.setIssuedAt(now);
        row.setExpiresAt(expires);
        sessions.insert(row);
        return token;
    }

    private TokenResponse tokens(DUser user, String sessionId, String refreshToken, Instant refreshExpires,
                                 Instant secondFactorAt) {
        Set<Role> roles = RoleNames.fromStored(user.getRoles());
        AccessTokens.Issued access = accessTokens.issue(user.getId(), user.getUsername(), roles, sessionId, secondFactorAt);
        return new TokenResponse(access.token(), "Bearer", access.expiresAt(), refreshToken, refreshExpires, Users.view(user));
    }

    private String newSessionId() {
        byte[] id = new byte[18];
        random.nextBytes(id);
        return B64URL.encodeToString(id);
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private record Refreshed(DUser user, String sessionId, String refreshToken, Instant refreshExpires,
                             Instant secondFactorAt, ApiException refusal, String revokedSession) {
        static Refreshed refused(ApiException refusal, String revokedSession) {
            return new Refreshed(null, null, null, null, null, refusal, revokedSession);
        }
    }
}

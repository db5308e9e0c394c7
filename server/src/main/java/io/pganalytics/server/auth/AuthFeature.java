package io.pganalytics.server.auth;

import com.hazelcast.core.HazelcastInstance;
import io.ebean.Database;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.auth.ldap.DirectorySync;
import io.pganalytics.server.auth.ldap.LdapKind;
import io.pganalytics.server.auth.mfa.MfaFeature;
import io.pganalytics.server.crypto.CryptoFeature;
import io.pganalytics.server.crypto.Sealer;
import io.pganalytics.server.auth.mfa.MfaThrottle;
import io.pganalytics.server.auth.oidc.OidcKind;
import io.pganalytics.server.auth.provider.IdentityProviderFeature;
import io.pganalytics.server.auth.provider.IdentityProviders;
import io.pganalytics.server.auth.provider.ProviderContext;
import io.pganalytics.server.auth.provider.ProviderKind;
import io.pganalytics.server.auth.saml.SamlKind;
import io.pganalytics.server.auth.sso.SsoBroker;
import io.pganalytics.server.auth.sso.SsoRoutes;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.CallerAuthenticator;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.http.SessionRevocations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Local users and tokens, wired: the one public entry point of this package. {@link #start()} creates the first
 * admin if needed, loads (or creates) the signing key, and schedules the housekeeping that every node runs each
 * minute: reload the signing keys, rotate them when due (one node wins), and purge expired sessions.
 */
public final class AuthFeature implements AutoCloseable {
    static final Duration HOUSEKEEPING_INTERVAL = Duration.ofMinutes(1);
    /** How often a node checks whether an LDAP provider's sync round is due (each has its own syncInterval). */
    static final Duration DIRECTORY_SYNC_TICK = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(AuthFeature.class);

    private final AuthConfig config;
    private final Clock clock;
    private final Path dataDir;
    private final Map<String, String> environment;
    private final PasswordHasher hasher;
    private final RevokedSessions revoked;
    private final SigningKeys keys;
    private final SessionRepository sessions;
    private final BootstrapAdmin bootstrap;
    private final AccessTokens tokens;
    private final AuthService auth;
    private final UserService users;
    private final UserAuthenticator authenticator;
    private final IdentityProviders providers;
    private final IdentityProviderFeature providerAdmin;
    private final ExternalUsers externalUsers;
    private final MfaFeature mfa;
    private final DirectorySync directorySync;
    private final AuditLog audit;
    private final JsonBodies bodies;
    private final HazelcastInstance hazelcast;
    private final SecureRandom random;
    private ScheduledExecutorService housekeeping;

    public AuthFeature(AuthConfig config, Database database, CryptoFeature crypto, HazelcastInstance hazelcast, JsonBodies bodies,
                       Clock clock, Path dataDir, Map<String, String> environment, AuditLog audit) {
        this(config, database, crypto, hazelcast, bodies, clock, dataDir, environment, audit, List.of());
    }

    /**
     * @param audit      where changes to users and identity providers are recorded, in their own transactions
     * @param extraKinds provider kinds besides the server's own ({@link #providerKinds()}): a test's own kind
     */
    public AuthFeature(AuthConfig config, Database database, CryptoFeature crypto, HazelcastInstance hazelcast, JsonBodies bodies,
                       Clock clock, Path dataDir, Map<String, String> environment, AuditLog audit, List<ProviderKind> extraKinds) {
        this.config = Objects.requireNonNull(config);
        this.clock = Objects.requireNonNull(clock);
        this.dataDir = Objects.requireNonNull(dataDir);
        this.environment = Map.copyOf(environment);
        this.audit = Objects.requireNonNull(audit);
        this.bodies = bodies;
        this.hazelcast = hazelcast;
        SecureRandom random = new SecureRandom();
        this.random = random;
        this.hasher = PasswordHasher.from(config, random);
        PasswordPolicy policy = PasswordPolicy.from(config);
        this.revoked = new RevokedSessions(hazelcast, clock, config.accessTokenTtl());
        Sealer sealer = crypto.sealer();
        crypto.register(SigningKeys.SEALED);
        crypto.register(MfaFeature.sealedColumn());
        crypto.register(IdentityProviders.sealedColumn());
        this.keys = new SigningKeys(database, sealer, bodies.mapper(), clock, random, config.signingKeyRotation(), config.accessTokenTtl());
        this.sessions = new SessionRepository(database);
        this.tokens = new AccessTokens(keys, revoked, clock, random, config);
        Map<String, ProviderKind> kinds = new HashMap<>(providerKinds());
        extraKinds.forEach(kind -> {
            if (kinds.putIfAbsent(kind.kind(), kind) != null) {
                throw new IllegalArgumentException("provider kind '" + kind.kind() + "' is registered twice");
            }
        });
        this.providers = new IdentityProviders(database, bodies.mapper(), sealer, kinds, new ProviderContext(hazelcast, clock, dataDir));
        LoginThrottle throttle = new LoginThrottle(hazelcast, clock, config);
        this.mfa = new MfaFeature(config.mfa(), database, sealer, hazelcast, clock, random, codeThrottle(throttle));
        this.auth = new AuthService(database, hasher, tokens, revoked, throttle, clock, random, config, providers, mfa.gate());
        this.externalUsers = new ExternalUsers(database, auth, clock);
        this.directorySync = new DirectorySync(providers, externalUsers, hazelcast, clock, DIRECTORY_SYNC_TICK);
        this.providerAdmin = new IdentityProviderFeature(database, providers, bodies, externalUsers::endSessionsOf, audit);
        this.users = new UserService(database, hasher, policy, auth, clock, audit);
        this.bootstrap = new BootstrapAdmin(database, hasher, policy, clock, random);
        this.authenticator = new UserAuthenticator(tokens);
    }

    /** The identity provider kinds this server knows, by kind: one line each. */
    static Map<String, ProviderKind> providerKinds() {
        Map<String, ProviderKind> kinds = new HashMap<>();
        kinds.put(OidcKind.KIND, new OidcKind());
        kinds.put(LdapKind.KIND, new LdapKind());
        kinds.put(SamlKind.KIND, new SamlKind());
        return kinds;
    }

    /** Bootstraps the admin, loads or creates the signing key and schedules the housekeeping. */
    public void start() {
        bootstrap.ensure(dataDir, environment);
        // Upgrading: what an earlier version stored in the clear is sealed before anything is served.
        keys.sealClearKeys();
        mfa.sealClearSecrets();
        keys.refresh();
        providers.start(config.providers());
        directorySync.start();
        housekeeping = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pga-auth-housekeeping");
            thread.setDaemon(true);
            return thread;
        });
        long period = HOUSEKEEPING_INTERVAL.toMillis();
        housekeeping.scheduleWithFixedDelay(this::houseKeep, period, period, TimeUnit.MILLISECONDS);
        LOG.info("auth: access tokens live {}, refresh tokens {} (sessions at most {}), signing keys rotate every {}",
                config.accessTokenTtl(), config.refreshTokenTtl(), config.sessionMaxAge(), config.signingKeyRotation());
        mfa.logPolicy();
    }

    private static MfaThrottle codeThrottle(LoginThrottle throttle) {
        return new MfaThrottle() {
            @Override
            public void checkAllowed(String username, String clientAddress) {
                throttle.checkSecondFactorAllowed(username, clientAddress);
            }

            @Override
            public void recordFailure(String username, String clientAddress) {
                throttle.recordSecondFactorFailure(username, clientAddress);
            }

            @Override
            public void recordSuccess(String username) {
                throttle.recordSecondFactorSuccess(username);
            }
        };
    }

    public CallerAuthenticator userAuthenticator() {
        return authenticator;
    }

    /** The routes; the admin changes that must be confirmed ask {@code confirmations}. */
    public List<ApiService> routes(Confirmations confirmations) {
        return List.of(new AuthRoutes(auth, keys, bodies), new UsersRoutes(users, bodies, mfa.stepUp(), confirmations),
                providerAdmin.routes(confirmations), mfa.routes(auth, authenticator, bodies, audit),
                new SsoRoutes(SsoBroker.create(providers::browserProvider, auth.signIns()::signIn, hazelcast, bodies.mapper(), random), bodies));
    }

    /** Sessions ended before their tokens expire, cluster-wide: what a live stream must end with. */
    public SessionRevocations sessionRevocations() {
        return new SessionRevocations() {
            @Override
            public boolean isRevoked(String sessionId) {
                return revoked.isRevoked(sessionId);
            }

            @Override
            public void subscribe(java.util.function.Consumer<String> onRevoked) {
                revoked.subscribe(onRevoked);
            }
        };
    }

    /** The live identity providers: what the SSO broker and the directory sync look providers up in. */
    /** Asks for a fresh second factor before a sensitive change (other features' admin routes use it too). */
    public io.pganalytics.server.auth.mfa.StepUp stepUp() {
        return mfa.stepUp();
    }

    public IdentityProviders identityProviders() {
        return providers;
    }

    /** Where every identity provider's sign-in ends: external identity, local user, session. */
    public SignIns signIns() {
        return auth.signIns();
    }

    /** The users of identity providers, for the directory sync. */
    public ExternalUsers externalUsers() {
        return externalUsers;
    }

    AuthService auth() {
        return auth;
    }

    UserService users() {
        return users;
    }

    AccessTokens tokens() {
        return tokens;
    }

    SigningKeys keys() {
        return keys;
    }

    /** One round of housekeeping; a failure is logged and retried next round. */
    void houseKeep() {
        try {
            keys.refresh();
            Instant now = clock.instant();
            int purged = sessions.purge(now, now.minus(config.accessTokenTtl()).minus(Duration.ofHours(1)));
            if (purged > 0) {
                LOG.debug("auth: purged {} expired session(s) and refresh token(s)", purged);
            }
            // The backstop of the change topic: a node that missed a message catches up here.
            providers.reload();
        } catch (RuntimeException e) {
            // The root of a scheduled task: never let one failure cancel every later round.
            LOG.warn("auth: housekeeping failed, retrying in {}: {}", HOUSEKEEPING_INTERVAL, e.toString());
        }
    }

    @Override
    public void close() {
        hasher.close();
        directorySync.close();
        providerAdmin.close();
        providers.close();
        if (housekeeping != null) {
            housekeeping.shutdownNow();
            try {
                if (!housekeeping.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("auth: housekeeping did not stop within 5 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package io.pganalytics.server.auth.mfa;

import com.hazelcast.core.HazelcastInstance;
import io.ebean.Database;
import io.pganalytics.server.crypto.SealedColumn;
import io.pganalytics.server.crypto.Sealer;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.CallerAuthenticator;
import io.pganalytics.server.http.JsonBodies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Locale;

/**
 * Second factors, wired. The sign-in machinery asks {@link #gate()} before it opens a session, user administration asks
 * {@link #stepUp()} before a change, and {@link #routes} serves {@code /auth/mfa} once the sessions are at hand.
 */
public final class MfaFeature {
    static final String CHALLENGES_MAP = "pga.mfa-challenges";
    static final String ENROLMENTS_MAP = "pga.mfa-enrolments";
    private static final Logger LOG = LoggerFactory.getLogger(MfaFeature.class);

    private final MfaConfig config;
    private final Database database;
    private final Clock clock;
    private final SecureRandom random;
    private final MfaThrottle throttle;
    private final MfaStore store;
    private final MfaCodes codes;
    private final ClusterTickets<PendingSignIn> challenges;
    private final ClusterTickets<PendingEnrolment> enrolments;
    private final MfaGate gate;
    private final StepUp stepUp;

    public MfaFeature(MfaConfig config, Database database, Sealer sealer, HazelcastInstance hazelcast, Clock clock, SecureRandom random,
                      MfaThrottle throttle) {
        this.config = config;
        this.database = database;
        this.clock = clock;
        this.random = random;
        this.throttle = throttle;
        this.store = new MfaStore(database, sealer);
        this.codes = new MfaCodes(store, config, clock, random);
        this.challenges = new ClusterTickets<>(hazelcast, CHALLENGES_MAP, PendingSignIn.class, random);
        this.enrolments = new ClusterTickets<>(hazelcast, ENROLMENTS_MAP, PendingEnrolment.class, random);
        this.gate = new MfaGate(config, store, challenges, clock);
        this.stepUp = new StepUp(config, store, clock);
    }

    /** The column holding the sealed shared secrets, for {@code CryptoFeature.register}. */
    public static SealedColumn sealedColumn() {
        return MfaStore.SECRET;
    }

    /** Upgrading: seals the shared secrets an earlier version stored in the clear (call at start, before serving). */
    public void sealClearSecrets() {
        store.sealClearSecrets();
    }

    public MfaGate gate() {
        return gate;
    }

    public StepUp stepUp() {
        return stepUp;
    }

    /** @param audit where an admin's reset of a person's second factors is recorded, in its own transaction */
    public ApiService routes(MfaSessions sessions, CallerAuthenticator users, JsonBodies bodies, io.pganalytics.server.audit.AuditLog audit) {
        MfaService service = new MfaService(config, database, store, codes, gate, stepUp, challenges, enrolments, sessions,
                throttle, clock, random, audit);
        return new MfaRoutes(service, users, bodies);
    }

    /** Says at start who must use a second factor. */
    public void logPolicy() {
        String who = switch (config.required()) {
            case NONE -> "only people who enrolled one (auth.mfa.required: none)";
            case ALL -> "everyone (auth.mfa.required: all)";
            case ROLES -> "holders of " + config.requiredRoles().stream().map(r -> r.wireName()).sorted().toList()
                    + " (auth.mfa.required: roles)";
        };
        LOG.info("auth: a second factor is required of {}; step-up within {}; identity providers' amr trusted as a second"
                + " factor: {}", who, config.stepUpMaxAge(), config.trustProviderAmr().isEmpty() ? "none"
                : config.trustProviderAmr().stream().sorted().map(s -> s.toLowerCase(Locale.ROOT)).toList());
    }
}

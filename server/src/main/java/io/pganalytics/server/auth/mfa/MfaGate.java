package io.pganalytics.server.auth.mfa;

import io.pganalytics.common.auth.MfaChallenge;
import io.pganalytics.common.auth.MfaMethods;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What every sign-in passes once its first factor is proven: a person who enrolled a second factor, or whom the policy
 * requires to use one, gets a challenge instead of a session, unless the identity provider's own amr/acr proves a second
 * factor and the configuration trusts it ({@code auth.mfa.trust-provider-amr}).
 */
public final class MfaGate {
    private static final Logger LOG = LoggerFactory.getLogger(MfaGate.class);

    private final MfaConfig config;
    private final MfaStore store;
    private final ClusterTickets<PendingSignIn> challenges;
    private final Clock clock;

    MfaGate(MfaConfig config, MfaStore store, ClusterTickets<PendingSignIn> challenges, Clock clock) {
        this.config = config;
        this.store = store;
        this.challenges = challenges;
        this.clock = clock;
    }

    /** The challenge this sign-in must answer before it gets a session; empty when it may have one now. */
    public Optional<MfaChallenge> challenge(MfaUser user, Set<String> authMethods, String clientAddress) {
        if (config.trustsProvider(authMethods)) {
            return Optional.empty();
        }
        List<String> methods = methods(user.id());
        boolean enrolled = methods.contains(MfaMethods.TOTP) || methods.contains(MfaMethods.HOTP);
        boolean required = config.requires(user.roles());
        if (!enrolled && !required) {
            return Optional.empty();
        }
        Instant expires = clock.instant().plus(config.challengeTtl());
        boolean enrolmentRequired = !enrolled;
        PendingSignIn pending = new PendingSignIn(user.id(), user.username(), List.copyOf(authMethods), clientAddress,
                enrolmentRequired, 0, expires.toEpochMilli());
        String id = challenges.issue(pending, config.challengeTtl());
        LOG.info("login: user {} ({}) from {} proved {}; a second factor is owed{}", user.id(), user.username(), clientAddress,
                authMethods, enrolmentRequired ? " and must first be enrolled (policy " + config.required().name().toLowerCase() + ")" : "");
        return Optional.of(new MfaChallenge(id, enrolmentRequired ? List.of(MfaMethods.TOTP, MfaMethods.HOTP) : methods,
                enrolmentRequired, expires));
    }

    /** Whether the identity provider's own amr/acr values prove a second factor, by configuration. */
    public boolean providerProvedSecondFactor(Set<String> authMethods) {
        return config.trustsProvider(authMethods);
    }

    /** The methods a person can answer with now: their factors, and backup codes while unused ones remain. */
    List<String> methods(long userId) {
        List<String> methods = new ArrayList<>();
        for (MfaStore.Factor factor : store.factors(userId)) {
            methods.add(factor.method());
        }
        methods.sort(java.util.Comparator.comparingInt(MfaMethods.ALL::indexOf));
        if (!methods.isEmpty() && store.countUnusedBackupCodes(userId) > 0) {
            methods.add(MfaMethods.BACKUP_CODE);
        }
        return methods;
    }
}

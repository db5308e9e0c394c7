package io.pganalytics.server.auth.mfa;

import io.helidon.config.Config;
import io.pganalytics.common.auth.Role;
import io.pganalytics.server.config.Settings;

import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code auth.mfa} node: who must use a second factor, and how codes are checked.
 *
 * @param required          who must use a second factor: {@code none} (the default: only those who enrolled one),
 *                          {@code all}, or {@code roles} (holders of {@code requiredRoles})
 * @param requiredRoles     the roles that must use a second factor when {@code required} is {@code roles}
 * @param issuer            the issuer an authenticator app shows next to the account (the otpauth URI's issuer)
 * @param trustProviderAmr  an identity provider's {@code amr} (or {@code acr}) values that prove a second factor: a
 *                          sign-in carrying one of them satisfies the policy without a code of ours
 * @param stepUpMaxAge      how old the last second factor may be for an action that asks for a fresh one
 * @param challengeTtl      how long a sign-in's MFA challenge (and an enrolment) may be answered
 * @param maxWrongCodes     wrong codes a challenge takes before it is dropped (sign in again)
 * @param hotpLookAhead     HOTP counter values past the expected one that a code is looked for in
 * @param hotpResyncWindow  HOTP counter values searched for two consecutive codes when resynchronising
 */
public record MfaConfig(Requirement required,
                        Set<Role> requiredRoles,
                        String issuer,
                        Set<String> trustProviderAmr,
                        Duration stepUpMaxAge,
                        Duration challengeTtl,
                        int maxWrongCodes,
                        int hotpLookAhead,
                        int hotpResyncWindow) {

    /** Who must use a second factor. */
    public enum Requirement { NONE, ALL, ROLES }

    /** amr values that name how the first factor was proven, never a second one. */
    private static final Set<String> FIRST_FACTOR_AMR = Set.of("pwd", "fed");

    public MfaConfig {
        requiredRoles = requiredRoles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(requiredRoles));
        trustProviderAmr = Set.copyOf(trustProviderAmr);
    }

    /** Reads and validates the node; a bad or contradictory value names its key. */
    public static MfaConfig from(Config node) {
        Requirement required = Settings.choice(node, "required", Requirement.class, Requirement.NONE);
        Set<Role> roles = EnumSet.noneOf(Role.class);
        List<String> roleNames = Settings.list(node, "required-roles");
        if (roleNames.isEmpty() && !node.get("required-roles").exists()) {
            roleNames = List.of(Role.ADMIN.wireName());
        }
        for (String name : roleNames) {
            try {
                roles.add(Role.fromWireName(name.trim()));
            } catch (IllegalArgumentException e) {
                throw Settings.problem(node, "required-roles", e.getMessage());
            }
        }
        if (required == Requirement.ROLES && roles.isEmpty()) {
            throw Settings.problem(node, "required-roles", "is empty while auth.mfa.required is roles: name at least one role");
        }
        Set<String> trusted = new LinkedHashSet<>(Settings.list(node, "trust-provider-amr"));
        for (String value : trusted) {
            if (FIRST_FACTOR_AMR.contains(value)) {
                throw Settings.problem(node, "trust-provider-amr", "'" + value + "' names a first factor, not a second one");
            }
        }
        String issuer = Settings.string(node, "issuer", "pgAnalytics");
        if (issuer.contains(":") || issuer.length() > 64) {
            throw Settings.problem(node, "issuer", "must be at most 64 characters without ':' (authenticator apps split on it)");
        }
        Duration challengeTtl = Settings.duration(node, "challenge-ttl", Duration.ofMinutes(5), Duration.ofSeconds(30),
                Duration.ofMinutes(30));
        return new MfaConfig(required, roles, issuer, trusted,
                Settings.duration(node, "step-up-max-age", Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofHours(24)),
                challengeTtl,
                Settings.integer(node, "max-wrong-codes", 5, 1, 20),
                Settings.integer(node.get("hotp"), "look-ahead", 10, 1, 100),
                Settings.integer(node.get("hotp"), "resync-window", 100, 2, 10_000));
    }

    /** The defaults, as {@link #from} reads them from an empty node. */
    public static MfaConfig defaults() {
        return from(Config.empty());
    }

    /** Whether the policy requires a second factor of someone holding {@code roles}. */
    public boolean requires(Set<Role> roles) {
        return switch (required) {
            case NONE -> false;
            case ALL -> true;
            case ROLES -> roles.stream().anyMatch(requiredRoles::contains);
        };
    }

    /** Whether an identity provider's amr/acr values prove a second factor, by configuration. */
    public boolean trustsProvider(Set<String> authMethods) {
        return authMethods.stream().anyMatch(trustProviderAmr::contains);
    }
}

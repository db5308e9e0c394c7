package io.pganalytics.server.auth;

import io.helidon.config.Config;
import io.pganalytics.server.auth.provider.ProvidersConfig;
import io.pganalytics.server.auth.mfa.MfaConfig;
import io.pganalytics.server.config.Settings;

import java.time.Duration;

/**
 * The {@code auth} node: token lifetimes, key rotation, login rate limits and the password rules.
 *
 * @param accessTokenTtl             how long an access token is valid
 * @param refreshTokenTtl            how long a refresh token is valid if unused (each refresh issues a fresh one)
 * @param sessionMaxAge              the absolute life of a login session, however often it is refreshed
 * @param issuer                     the {@code iss} claim written and required
 * @param audience                   the {@code aud} claim written and required
 * @param signingKeyRotation         the age at which the signing key is replaced
 * @param userFailuresBeforeDelay    consecutive failed logins of one user name before attempts are delayed
 * @param addressFailuresBeforeDelay failed logins from one client address before attempts are delayed
 * @param initialDelay               the first delay; it doubles with each further failure
 * @param maxDelay                   the longest delay
 * @param forgetFailuresAfter        failures are forgotten after this long without another one
 * @param passwordMinLength          the fewest characters a password may have
 * @param passwordMaxLength          the most characters a password may have (bounds the hashing work)
 * @param argon2MemoryKib            Argon2id memory cost of new hashes
 * @param argon2Iterations           Argon2id time cost of new hashes
 * @param argon2Parallelism          Argon2id lanes of new hashes
 * @param hashingThreads             password hashes computed at once on this node (on threads of their own)
 * @param maxConcurrentLogins        sign-ins handled at once on this node; more wait {@code loginQueueWait}, then 503
 * @param loginQueueWait             how long a sign-in waits for its turn before 503 with Retry-After
 * @param providers                  the identity providers of the configuration file ({@code auth.providers})
 * @param mfa                        the {@code auth.mfa} node: second factors
 */
public record AuthConfig(Duration accessTokenTtl,
                         Duration refreshTokenTtl,
                         Duration sessionMaxAge,
                         String issuer,
                         String audience,
                         Duration signingKeyRotation,
                         int userFailuresBeforeDelay,
                         int addressFailuresBeforeDelay,
                         Duration initialDelay,
                         Duration maxDelay,
                         Duration forgetFailuresAfter,
                         int passwordMinLength,
                         int passwordMaxLength,
                         int argon2MemoryKib,
                         int argon2Iterations,
                         int argon2Parallelism,
                         int hashingThreads,
                         int maxConcurrentLogins,
                         Duration loginQueueWait,
                         ProvidersConfig providers,
                         MfaConfig mfa) {

    /** Reads and validates the {@code auth} node; a bad or contradictory value names its key. */
    public static AuthConfig from(Config node) {
        Duration accessTtl = Settings.duration(node, "access-token-ttl", Duration.ofMinutes(15),
                Duration.ofSeconds(30), Duration.ofHours(24));
        Duration refreshTtl = Settings.duration(node, "refresh-token-ttl", Duration.ofDays(7),
                Duration.ofMinutes(1), Duration.ofDays(365));
        Duration sessionMax = Settings.duration(node, "session-max-age", Duration.ofDays(30),
                Duration.ofMinutes(1), Duration.ofDays(365));
        if (refreshTtl.compareTo(accessTtl) <= 0) {
            throw Settings.problem(node, "refresh-token-ttl", refreshTtl + " must be longer than auth.access-token-ttl (" + accessTtl + ")");
        }
        if (sessionMax.compareTo(refreshTtl) < 0) {
            throw Settings.problem(node, "session-max-age", sessionMax + " must be at least auth.refresh-token-ttl (" + refreshTtl + ")");
        }
        Duration rotation = Settings.duration(node, "signing-key-rotation", Duration.ofDays(30),
                Duration.ofHours(1), Duration.ofDays(3650));
        if (rotation.compareTo(accessTtl.multipliedBy(2)) < 0) {
            throw Settings.problem(node, "signing-key-rotation", rotation + " must be at least twice auth.access-token-ttl (" + accessTtl + ")");
        }
        Config limits = node.get("login-rate-limit");
        Duration initialDelay = Settings.duration(limits, "initial-delay", Duration.ofSeconds(1),
                Duration.ofMillis(100), Duration.ofHours(1));
        Duration maxDelay = Settings.duration(limits, "max-delay", Duration.ofMinutes(15),
                Duration.ofSeconds(1), Duration.ofDays(1));
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw Settings.problem(limits, "max-delay", maxDelay + " must be at least auth.login-rate-limit.initial-delay (" + initialDelay + ")");
        }
        Config password = node.get("password");
        int minLength = Settings.integer(password, "min-length", 12, 8, 128);
        int maxLength = Settings.integer(password, "max-length", 1024, 64, 4096);
        if (maxLength < minLength) {
            throw Settings.problem(password, "max-length", maxLength + " must be at least auth.password.min-length (" + minLength + ")");
        }
        Config argon2 = password.get("argon2");
        return new AuthConfig(accessTtl, refreshTtl, sessionMax,
                Settings.string(node, "issuer", "pganalytics"),
                Settings.string(node, "audience", "pganalytics-api"),
                rotation,
                Settings.integer(limits, "user-failures-before-delay", 5, 1, 1000),
                Settings.integer(limits, "address-failures-before-delay", 20, 1, 100_000),
                initialDelay, maxDelay,
                Settings.duration(limits, "forget-after", Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofDays(7)),
                minLength, maxLength,
                Settings.integer(argon2, "memory-kib", 19_456, 1024, 1_048_576),
                Settings.integer(argon2, "iterations", 3, 1, 100),
                Settings.integer(argon2, "parallelism", 1, 1, 16),
                Settings.integer(password, "hashing-threads", defaultHashingThreads(), 1, 256),
                Settings.integer(node, "max-concurrent-logins", 16, 1, 10_000),
                Settings.duration(node, "login-queue-wait", Duration.ofSeconds(2), Duration.ZERO, Duration.ofSeconds(30)),
                ProvidersConfig.from(node),
                MfaConfig.from(node.get("mfa")));
    }

    /** Half the processors, at least one: hashing must leave CPU to the requests that hold database connections. */
    static int defaultHashingThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /** The defaults, as {@link #from} reads them from an empty node. */
    static AuthConfig defaults() {
        return from(Config.empty());
    }
}

package io.pganalytics.server.auth.mfa;

import io.pganalytics.common.auth.MfaMethods;
import io.pganalytics.server.auth.AuthMethods;
import io.pganalytics.server.http.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a person's second-factor code against what they enrolled and spends it: a TOTP step, a HOTP counter value or
 * a backup code is accepted once, on whichever node sees it first. Also makes backup codes.
 */
final class MfaCodes {
    /** 32 symbols, without the look-alikes 0/O and 1/I: 10 of them carry 50 bits. */
    static final String BACKUP_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    static final int BACKUP_CODE_LENGTH = 10;
    static final int BACKUP_CODE_COUNT = 10;
    static final int TOTP_DIGITS = 6;
    static final int TOTP_PERIOD_SECONDS = 30;
    /** Steps either side of now whose code is accepted: RFC 6238 section 5.2's one step of network delay and drift. */
    static final int TOTP_WINDOW = 1;
    private static final Logger LOG = LoggerFactory.getLogger(MfaCodes.class);

    private final MfaStore store;
    private final MfaConfig config;
    private final Clock clock;
    private final SecureRandom random;

    MfaCodes(MfaStore store, MfaConfig config, Clock clock, SecureRandom random) {
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.random = random;
    }

    /** The method's name checked: one of {@link MfaMethods#ALL}. */
    static String method(String method) {
        if (method == null || !MfaMethods.ALL.contains(method)) {
            throw ApiException.invalid("method", "must be one of " + MfaMethods.ALL);
        }
        return method;
    }

    static void requireCode(String field, String code) {
        if (code == null || code.isBlank()) {
            throw ApiException.invalid(field, "is required");
        }
        if (code.length() > 32) {
            throw ApiException.invalid(field, "is too long");
        }
    }

    /**
     * Checks and spends a code; the RFC 8176 amr values it proves, or empty when it is wrong, already used, or the
     * person has no such factor.
     */
    Optional<Set<String>> check(long userId, String method, String code) {
        Instant now = clock.instant();
        return switch (method(method)) {
            case MfaMethods.TOTP -> checkTotp(userId, code, now) ? Optional.of(Set.of(AuthMethods.ONE_TIME_PASSWORD)) : Optional.empty();
            case MfaMethods.HOTP -> checkHotp(userId, code, now)
                    ? Optional.of(Set.of(AuthMethods.ONE_TIME_PASSWORD, AuthMethods.HARDWARE_KEY)) : Optional.empty();
            default -> checkBackupCode(userId, code, now) ? Optional.of(Set.of(AuthMethods.BACKUP_CODE)) : Optional.empty();
        };
    }

    private boolean checkTotp(long userId, String code, Instant now) {
        Optional<MfaStore.Factor> found = store.factor(userId, MfaStore.TOTP);
        if (found.isEmpty()) {
            return false;
        }
        MfaStore.Factor factor = found.get();
        Optional<Long> step = matchingStep(factor.secret(), factor.digits(), factor.periodSeconds(), code, now);
        if (step.isEmpty()) {
            return false;
        }
        if (!store.useTotpStep(factor.id(), step.get(), now)) {
            LOG.warn("mfa: user {} presented a TOTP code of a step already used (a replay, or a second try within 30 s)", userId);
            return false;
        }
        return true;
    }

    /** The step, within the window around now, whose code {@code code} is; empty when none. */
    static Optional<Long> matchingStep(byte[] secret, int digits, int periodSeconds, String code, Instant now) {
        Optional<String> given = OneTimePasswords.normalizeCode(code, digits);
        if (given.isEmpty()) {
            return Optional.empty();
        }
        long current = OneTimePasswords.step(now.toEpochMilli(), periodSeconds);
        Long matched = null;
        for (long step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step++) {
            // Every step is computed and compared, matched or not: the time taken says nothing about which matched.
            if (OneTimePasswords.same(OneTimePasswords.totp(secret, step, digits, OneTimePasswords.HMAC_SHA1), given.get())) {
                matched = step;
            }
        }
        return Optional.ofNullable(matched);
    }

    private boolean checkHotp(long userId, String code, Instant now) {
        Optional<MfaStore.Factor> found = store.factor(userId, MfaStore.HOTP);
        if (found.isEmpty()) {
            return false;
        }
        MfaStore.Factor factor = found.get();
        Optional<Long> counter = matchingCounter(factor.secret(), factor.digits(), factor.counter(), config.hotpLookAhead(), code);
        if (counter.isEmpty()) {
            return false;
        }
        if (!store.advanceHotp(factor.id(), factor.counter(), counter.get() + 1, now)) {
            LOG.warn("mfa: user {} presented a HOTP code while another request moved the counter; refused", userId);
            return false;
        }
        return true;
    }

    /** The first counter in {@code [from, from + window)} whose code {@code code} is; empty when none. */
    static Optional<Long> matchingCounter(byte[] secret, int digits, long from, int window, String code) {
        Optional<String> given = OneTimePasswords.normalizeCode(code, digits);
        if (given.isEmpty()) {
            return Optional.empty();
        }
        for (long counter = from; counter < from + window; counter++) {
            if (OneTimePasswords.same(OneTimePasswords.hotp(secret, counter, digits, OneTimePasswords.HMAC_SHA1), given.get())) {
                return Optional.of(counter);
            }
        }
        return Optional.empty();
    }

    /**
     * RFC 4226 section 7.4: finds two consecutive codes within the resynchronisation window and moves the counter past
     * them. False when they are not found there or another request moved the counter.
     */
    boolean resynchronise(long userId, String code, String nextCode) {
        MfaStore.Factor factor = store.factor(userId, MfaStore.HOTP)
                .orElseThrow(() -> ApiException.notFound("no hardware token is registered for you"));
        Optional<String> first = OneTimePasswords.normalizeCode(code, factor.digits());
        Optional<String> second = OneTimePasswords.normalizeCode(nextCode, factor.digits());
        if (first.isEmpty() || second.isEmpty()) {
            return false;
        }
        long from = factor.counter();
        for (long counter = from; counter < from + config.hotpResyncWindow(); counter++) {
            if (OneTimePasswords.same(OneTimePasswords.hotp(factor.secret(), counter, factor.digits(), OneTimePasswords.HMAC_SHA1), first.get())
                    && OneTimePasswords.same(OneTimePasswords.hotp(factor.secret(), counter + 1, factor.digits(),
                    OneTimePasswords.HMAC_SHA1), second.get())) {
                return store.advanceHotp(factor.id(), from, counter + 2, clock.instant());
            }
        }
        return false;
    }

    private boolean checkBackupCode(long userId, String code, Instant now) {
        Optional<String> given = normalizeBackupCode(code);
        if (given.isEmpty()) {
            return false;
        }
        for (MfaStore.BackupCode stored : store.unusedBackupCodes(userId)) {
            if (MessageDigest.isEqual(stored.hash(), hash(stored.salt(), given.get()))) {
                if (store.useBackupCode(stored.id(), now)) {
                    LOG.info("mfa: user {} used a backup code; {} left", userId, store.countUnusedBackupCodes(userId));
                    return true;
                }
                return false;
            }
        }
        return false;
    }

    /** A backup code as a person types it: hyphens, spaces and case ignored. */
    static Optional<String> normalizeBackupCode(String code) {
        if (code == null || code.length() > 32) {
            return Optional.empty();
        }
        String compact = code.replace("-", "").replace(" ", "").toUpperCase(Locale.ROOT);
        return compact.length() == BACKUP_CODE_LENGTH && compact.chars().allMatch(c -> BACKUP_ALPHABET.indexOf(c) >= 0)
                ? Optional.of(compact) : Optional.empty();
    }

    /** Ten new backup codes replacing the person's earlier ones (inside the caller's transaction); shown once. */
    List<String> newBackupCodes(long userId) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        List<String> codes = new ArrayList<>(BACKUP_CODE_COUNT);
        List<byte[]> hashes = new ArrayList<>(BACKUP_CODE_COUNT);
        for (int i = 0; i < BACKUP_CODE_COUNT; i++) {
            StringBuilder code = new StringBuilder(BACKUP_CODE_LENGTH);
            for (int c = 0; c < BACKUP_CODE_LENGTH; c++) {
                code.append(BACKUP_ALPHABET.charAt(random.nextInt(BACKUP_ALPHABET.length())));
            }
            hashes.add(hash(salt, code.toString()));
            codes.add(code.substring(0, 5) + "-" + code.substring(5));
        }
        store.replaceBackupCodes(userId, salt, hashes, clock.instant());
        return codes;
    }

    private static byte[] hash(byte[] salt, String code) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(salt);
            return digest.digest(code.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}

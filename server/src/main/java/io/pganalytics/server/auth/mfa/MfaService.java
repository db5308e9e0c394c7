package io.pganalytics.server.auth.mfa;

import io.ebean.Database;
import io.ebean.Transaction;
import io.pganalytics.common.auth.MfaBackupCodes;
import io.pganalytics.common.auth.MfaEnrolmentResult;
import io.pganalytics.common.auth.MfaHotpRegistration;
import io.pganalytics.common.auth.MfaHotpResyncRequest;
import io.pganalytics.common.auth.MfaMethods;
import io.pganalytics.common.auth.MfaStatus;
import io.pganalytics.common.auth.MfaStepUpRequest;
import io.pganalytics.common.auth.MfaTotpConfirmRequest;
import io.pganalytics.common.auth.MfaTotpEnrolment;
import io.pganalytics.common.auth.MfaVerifyRequest;
import io.pganalytics.common.auth.TokenResponse;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.auth.AuthMethods;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Answering a sign-in's challenge, enrolling and replacing factors, step-up, and an admin's reset. Every wrong code is
 * counted by the {@link MfaThrottle} and logged with the user and the address (never the code); a challenge dies after
 * {@code max-wrong-codes} wrong ones.
 */
final class MfaService {
    static final String UNKNOWN_CHALLENGE = "the MFA challenge is unknown, used or expired: sign in again";
    static final String WRONG_CODE = "the code is wrong";
    private static final Logger LOG = LoggerFactory.getLogger(MfaService.class);
    private static final int SECRET_BYTES = 20;

    /** Who an enrolment is for: a signed-in caller, or a sign-in's challenge that requires enrolment. */
    record Subject(MfaUser user, Caller caller, ClusterTickets.Held<PendingSignIn> challenge) {
        boolean duringSignIn() {
            return challenge != null;
        }
    }

    private final MfaConfig config;
    private final Database database;
    private final MfaStore store;
    private final MfaCodes codes;
    private final MfaGate gate;
    private final StepUp stepUp;
    private final ClusterTickets<PendingSignIn> challenges;
    private final ClusterTickets<PendingEnrolment> enrolments;
    private final MfaSessions sessions;
    private final MfaThrottle throttle;
    private final Clock clock;
    private final SecureRandom random;
    private final AuditLog audit;

    MfaService(MfaConfig config, Database database, MfaStore store, MfaCodes codes, MfaGate gate, StepUp stepUp,
               ClusterTickets<PendingSignIn> challenges, ClusterTickets<PendingEnrolment> enrolments, MfaSessions sessions,
               MfaThrottle throttle, Clock clock, SecureRandom random, AuditLog audit) {
        this.config = config;
        this.database = database;
        this.store = store;
        this.codes = codes;
        this.gate = gate;
        this.stepUp = stepUp;
        this.challenges = challenges;
        this.enrolments = enrolments;
        this.sessions = sessions;
        this.throttle = throttle;
        this.clock = clock;
        this.random = random;
        this.audit = audit;
    }

    /** {@code POST /auth/mfa/verify}: the second factor of a sign-in; tokens when the code is right. */
    TokenResponse verify(MfaVerifyRequest request, String clientAddress) {
        String method = MfaCodes.method(request.method());
        MfaCodes.requireCode("code", request.code());
        ClusterTickets.Held<PendingSignIn> held = liveChallenge(request.challenge(), clientAddress);
        PendingSignIn pending = held.value();
        if (pending.enrolmentRequired()) {
            throw ApiException.conflict("a second factor must be enrolled first: start with POST /api/v1/auth/mfa/totp"
                    + " (or register a hardware token with POST /api/v1/auth/mfa/hotp) naming this challenge");
        }
        throttle.checkAllowed(pending.username(), clientAddress);
        MfaUser user = enabledUser(held);
        Optional<Set<String>> proven = codes.check(user.id(), method, request.code());
        if (proven.isEmpty()) {
            wrongCode(held, user, method, clientAddress);
            throw ApiException.unauthenticated(WRONG_CODE);
        }
        if (!challenges.take(held)) {
            throw ApiException.unauthenticated(UNKNOWN_CHALLENGE);
        }
        throttle.recordSuccess(user.username());
        return sessions.open(user, amr(pending.authMethods(), proven.get()), clientAddress, clock.instant());
    }

    /** {@code POST /auth/mfa/totp}: a new secret to show as a QR code, waiting for its first code. */
    MfaTotpEnrolment startTotp(Subject subject) {
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        String base32 = OneTimePasswords.base32(secret);
        Duration ttl = config.challengeTtl();
        Instant expires = clock.instant().plus(ttl);
        String id = enrolments.issue(new PendingEnrolment(subject.user().id(), base32, expires.toEpochMilli()), ttl);
        String issuer = uriPart(config.issuer());
        String uri = "otpauth://totp/" + issuer + ":" + uriPart(subject.user().username()) + "?secret=" + base32
                + "&issuer=" + issuer + "&algorithm=SHA1&digits=" + MfaCodes.TOTP_DIGITS + "&period=" + MfaCodes.TOTP_PERIOD_SECONDS;
        LOG.info("mfa: user {} ({}) started enrolling an authenticator app{}", subject.user().id(), subject.user().username(),
                subject.duringSignIn() ? " during sign-in" : "");
        return new MfaTotpEnrolment(id, base32, uri, expires);
    }

    /** {@code POST /auth/mfa/totp/confirm}: the app's first code proves it holds the secret; the factor is saved. */
    MfaEnrolmentResult confirmTotp(Subject subject, MfaTotpConfirmRequest request, String clientAddress) {
        MfaCodes.requireCode("code", request.code());
        ClusterTickets.Held<PendingEnrolment> enrolment = enrolments.find(request.enrolmentId())
                .filter(e -> e.value().userId() == subject.user().id() && e.value().expiresAtMillis() > clock.millis())
                .orElseThrow(() -> ApiException.notFound("the enrolment is unknown, used or expired: start again"));
        throttle.checkAllowed(subject.user().username(), clientAddress);
        byte[] secret = OneTimePasswords.fromBase32(enrolment.value().secret()).orElseThrow();
        Optional<Long> step = MfaCodes.matchingStep(secret, MfaCodes.TOTP_DIGITS, MfaCodes.TOTP_PERIOD_SECONDS, request.code(),
                clock.instant());
        if (step.isEmpty()) {
            wrongEnrolmentCode(subject, MfaMethods.TOTP, clientAddress);
            throw ApiException.invalid("code", "does not match the new secret: check that the device's clock is right and try"
                    + " the next code");
        }
        if (!enrolments.take(enrolment)) {
            throw ApiException.notFound("the enrolment is unknown, used or expired: start again");
        }
        // The code that confirmed the enrolment is spent: it cannot also sign in.
        return saveFactor(subject, MfaStore.TOTP, secret, MfaCodes.TOTP_DIGITS, step.get(), 0, clientAddress);
    }

    /** {@code POST /auth/mfa/hotp}: registers a hardware token from its seed and a code it shows now. */
    MfaEnrolmentResult registerHotp(Subject subject, MfaHotpRegistration request, String clientAddress) {
        byte[] secret = hotpSecret(request);
        int digits = request.digits() == null ? 6 : request.digits();
        if (digits != 6 && digits != 8) {
            throw ApiException.invalid("digits", "must be 6 or 8");
        }
        long counter = request.counter() == null ? 0 : request.counter();
        if (counter < 0 || counter > (1L << 53)) {
            throw ApiException.invalid("counter", "must be between 0 and 2^53");
        }
        MfaCodes.requireCode("code", request.code());
        throttle.checkAllowed(subject.user().username(), clientAddress);
        Optional<Long> matched = MfaCodes.matchingCounter(secret, digits, counter, config.hotpLookAhead(), request.code());
        if (matched.isEmpty()) {
            wrongEnrolmentCode(subject, MfaMethods.HOTP, clientAddress);
            throw ApiException.invalid("code", "does not match the seed within " + config.hotpLookAhead()
                    + " counter values of counter " + counter);
        }
        return saveFactor(subject, MfaStore.HOTP, secret, digits, null, matched.get() + 1, clientAddress);
    }

    /** {@code POST /auth/mfa/hotp/resync}: two consecutive codes move the counter of a drifted token. */
    MfaStatus resyncHotp(Caller caller, MfaHotpResyncRequest request, String clientAddress) {
        MfaCodes.requireCode("code", request.code());
        MfaCodes.requireCode("nextCode", request.nextCode());
        MfaUser user = callerUser(caller);
        throttle.checkAllowed(user.username(), clientAddress);
        if (!codes.resynchronise(user.id(), request.code(), request.nextCode())) {
            throttle.recordFailure(user.username(), clientAddress);
            LOG.warn("mfa: failed HOTP resynchronisation for user {} ({}) from {}", user.id(), user.username(), clientAddress);
            throw ApiException.invalid("code", "these two codes are not consecutive codes of your token within "
                    + config.hotpResyncWindow() + " counter values");
        }
        LOG.info("mfa: user {} ({}) resynchronised their hardware token from {}", user.id(), user.username(), clientAddress);
        return status(caller);
    }

    /** {@code POST /auth/mfa/backup-codes}: ten new codes replacing the old ones. */
    MfaBackupCodes regenerateBackupCodes(Caller caller) {
        MfaUser user = callerUser(caller);
        if (!store.hasFactor(user.id())) {
            throw ApiException.conflict("enrol a second factor first: backup codes stand in for one");
        }
        stepUp.require(caller);
        List<String> fresh;
        try (Transaction tx = database.beginTransaction()) {
            fresh = codes.newBackupCodes(user.id());
            tx.commit();
        }
        LOG.info("mfa: user {} ({}) replaced their backup codes", user.id(), user.username());
        return new MfaBackupCodes(fresh);
    }

    /** {@code POST /auth/mfa/step-up}: a new access token of the same session with a fresh second-factor time. */
    TokenResponse stepUp(Caller caller, MfaStepUpRequest request, String clientAddress) {
        String method = MfaCodes.method(request.method());
        MfaCodes.requireCode("code", request.code());
        MfaUser user = callerUser(caller);
        throttle.checkAllowed(user.username(), clientAddress);
        Optional<Set<String>> proven = codes.check(user.id(), method, request.code());
        if (proven.isEmpty()) {
            throttle.recordFailure(user.username(), clientAddress);
            LOG.warn("mfa: wrong {} code at step-up for user {} ({}) from {}, session {}", method, user.id(), user.username(),
                    clientAddress, caller.sessionId());
            throw ApiException.forbidden(WRONG_CODE + ": the step-up was refused");
        }
        throttle.recordSuccess(user.username());
        LOG.info("mfa: user {} ({}) stepped up with {} from {}, session {}", user.id(), user.username(), method, clientAddress,
                caller.sessionId());
        return sessions.stepUp(caller, clock.instant());
    }

    MfaStatus status(Caller caller) {
        long userId = Long.parseLong(caller.id());
        List<MfaStore.Factor> factors = store.factors(userId);
        Instant totp = factors.stream().filter(f -> f.method().equals(MfaStore.TOTP)).map(MfaStore.Factor::createdAt).findFirst().orElse(null);
        Instant hotp = factors.stream().filter(f -> f.method().equals(MfaStore.HOTP)).map(MfaStore.Factor::createdAt).findFirst().orElse(null);
        return new MfaStatus(config.requires(caller.roles()), !factors.isEmpty(), gate.methods(userId), totp, hotp,
                store.countUnusedBackupCodes(userId), caller.secondFactorAt());
    }

    /** {@code DELETE /admin/users/{id}/mfa}: removes a person's factors and backup codes and ends their sessions. */
    void reset(long userId, Caller admin, AuditEvent.Actor actor) {
        stepUp.require(admin);
        MfaUser user = sessions.user(userId).orElseThrow(() -> ApiException.notFound("no user with id " + userId));
        int removed;
        int ended;
        try (Transaction tx = database.beginTransaction()) {
            // the kinds only: a factor's secret never goes in a record
            List<String> methods = store.factors(userId).stream().map(MfaStore.Factor::method).toList();
            int backupCodes = store.countUnusedBackupCodes(userId);
            removed = store.removeAll(userId);
            ended = sessions.endSessions(userId, "mfa-reset");
            audit.append(tx, AuditEvent.change("user.mfa.reset", "user", Long.toString(userId)).actor(actor)
                    .change(java.util.Map.of("secondFactors", methods, "unusedBackupCodes", backupCodes),
                            java.util.Map.of("secondFactors", List.of(), "unusedBackupCodes", 0))
                    .detail("sessionsEnded", ended));
            tx.commit();
        }
        LOG.info("mfa: {} ({}) reset the second factors of user {} ({}): {} factor(s) removed, {} session(s) ended",
                admin.id(), admin.name(), user.id(), user.username(), removed, ended);
    }

    /** The subject of an enrolment made during sign-in: the challenge must require one, and none may exist. */
    Subject duringSignIn(String challenge, String clientAddress) {
        ClusterTickets.Held<PendingSignIn> held = liveChallenge(challenge, clientAddress);
        MfaUser user = enabledUser(held);
        if (!held.value().enrolmentRequired() || store.hasFactor(user.id())) {
            // Never a way round a second factor already enrolled: prove that one instead.
            throw ApiException.conflict("a second factor is already enrolled: answer the challenge with it"
                    + " (POST /api/v1/auth/mfa/verify)");
        }
        return new Subject(user, null, held);
    }

    /** The subject of an enrolment by a signed-in person; adding or replacing a factor beside one needs step-up. */
    Subject signedIn(Caller caller) {
        MfaUser user = callerUser(caller);
        if (store.hasFactor(user.id())) {
            stepUp.require(caller);
        }
        return new Subject(user, caller, null);
    }

    private MfaEnrolmentResult saveFactor(Subject subject, String method, byte[] secret, int digits, Long lastUsedStep,
                                          long counter, String clientAddress) {
        long userId = subject.user().id();
        List<String> backupCodes = List.of();
        try (Transaction tx = database.beginTransaction()) {
            // One enrolment at a time per person, on any node: the check below and the write see the same state.
            database.sqlQuery("SELECT id FROM auth_user WHERE id = ? FOR UPDATE").setParameter(1, userId).findOne();
            if (subject.duringSignIn() && store.hasFactor(userId)) {
                throw ApiException.conflict("a second factor was enrolled meanwhile: sign in again and answer with it");
            }
            store.put(userId, method, secret, digits, lastUsedStep, counter, clock.instant());
            if (store.countUnusedBackupCodes(userId) == 0) {
                backupCodes = codes.newBackupCodes(userId);
            }
            if (subject.duringSignIn() && !challenges.take(subject.challenge())) {
                throw ApiException.unauthenticated(UNKNOWN_CHALLENGE);
            }
            tx.commit();
        }
        LOG.info("mfa: user {} ({}) enrolled {} from {}{}", userId, subject.user().username(),
                method.equals(MfaStore.TOTP) ? "an authenticator app (totp)" : "a hardware token (hotp)", clientAddress,
                backupCodes.isEmpty() ? "" : "; 10 backup codes issued");
        if (!subject.duringSignIn()) {
            return new MfaEnrolmentResult(backupCodes, null);
        }
        throttle.recordSuccess(subject.user().username());
        Set<String> proven = method.equals(MfaStore.TOTP) ? Set.of(AuthMethods.ONE_TIME_PASSWORD)
                : Set.of(AuthMethods.ONE_TIME_PASSWORD, AuthMethods.HARDWARE_KEY);
        TokenResponse tokens = sessions.open(subject.user(), amr(subject.challenge().value().authMethods(), proven),
                clientAddress, clock.instant());
        return new MfaEnrolmentResult(backupCodes, tokens);
    }

    private ClusterTickets.Held<PendingSignIn> liveChallenge(String challenge, String clientAddress) {
        if (challenge == null || challenge.isBlank()) {
            throw ApiException.invalid("challenge", "is required");
        }
        ClusterTickets.Held<PendingSignIn> held = challenges.find(challenge)
                .filter(h -> h.value().expiresAtMillis() > clock.millis())
                .orElseThrow(() -> ApiException.unauthenticated(UNKNOWN_CHALLENGE));
        if (!held.value().clientAddress().equals(clientAddress)) {
            LOG.warn("mfa: the challenge of user {} ({}) issued to {} was presented from {}; refused", held.value().userId(),
                    held.value().username(), held.value().clientAddress(), clientAddress);
            throw ApiException.unauthenticated("the MFA challenge was issued to another client address: sign in again");
        }
        return held;
    }

    private MfaUser enabledUser(ClusterTickets.Held<PendingSignIn> held) {
        Optional<MfaUser> user = sessions.user(held.value().userId()).filter(MfaUser::enabled);
        if (user.isEmpty()) {
            challenges.take(held);
            throw ApiException.unauthenticated(UNKNOWN_CHALLENGE);
        }
        return user.get();
    }

    private MfaUser callerUser(Caller caller) {
        return sessions.user(Long.parseLong(caller.id())).filter(MfaUser::enabled)
                .orElseThrow(() -> ApiException.unauthenticated("the signed-in user no longer exists or is disabled"));
    }

    /** Counts a wrong code against the throttle and the challenge; the challenge dies at the configured limit. */
    private void wrongCode(ClusterTickets.Held<PendingSignIn> held, MfaUser user, String method, String clientAddress) {
        throttle.recordFailure(user.username(), clientAddress);
        ClusterTickets.Held<PendingSignIn> current = held;
        for (int attempt = 0; attempt < 10 && current != null; attempt++) {
            PendingSignIn next = current.value().withWrongCode();
            boolean dies = next.wrongCodes() >= config.maxWrongCodes();
            boolean written = dies ? challenges.take(current)
                    : challenges.replace(current, next, Duration.ofMillis(next.expiresAtMillis() - clock.millis()));
            if (written) {
                LOG.warn("mfa: wrong {} code for user {} ({}) from {} ({} of {} for this challenge{})", method, user.id(),
                        user.username(), clientAddress, next.wrongCodes(), config.maxWrongCodes(), dies ? "; it is dropped" : "");
                return;
            }
            current = challenges.reread(current).orElse(null);
        }
        LOG.warn("mfa: wrong {} code for user {} ({}) from {}; the challenge was already used or dropped", method, user.id(),
                user.username(), clientAddress);
    }

    private void wrongEnrolmentCode(Subject subject, String method, String clientAddress) {
        MfaUser user = subject.user();
        if (subject.duringSignIn()) {
            wrongCode(subject.challenge(), user, method + " enrolment", clientAddress);
        } else {
            throttle.recordFailure(user.username(), clientAddress);
            LOG.warn("mfa: wrong {} code while enrolling for user {} ({}) from {}", method, user.id(), user.username(), clientAddress);
        }
    }

    private static byte[] hotpSecret(MfaHotpRegistration request) {
        if (request.secret() == null || request.secret().isBlank()) {
            throw ApiException.invalid("secret", "is required");
        }
        if (request.secret().length() > 256) {
            throw ApiException.invalid("secret", "is too long");
        }
        String format = request.secretFormat() == null ? "hex" : request.secretFormat();
        Optional<byte[]> secret = switch (format) {
            case "hex" -> OneTimePasswords.fromHex(request.secret());
            case "base32" -> OneTimePasswords.fromBase32(request.secret());
            default -> throw ApiException.invalid("secretFormat", "must be hex or base32");
        };
        if (secret.isEmpty()) {
            throw ApiException.invalid("secret", "is not valid " + format);
        }
        // RFC 4226 section 4, R6: at least 128 bits; hardware tokens ship 160.
        if (secret.get().length < 16 || secret.get().length > 64) {
            throw ApiException.invalid("secret", "must be 16 to 64 bytes (128 to 512 bits); it has " + secret.get().length);
        }
        return secret.get();
    }

    private static Set<String> amr(List<String> firstFactor, Set<String> secondFactor) {
        Set<String> all = new LinkedHashSet<>(firstFactor);
        all.addAll(secondFactor);
        all.add(AuthMethods.MULTI_FACTOR);
        return all;
    }

    private static String uriPart(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

package io.pganalytics.common.audit;

import java.time.Instant;
import java.util.List;

/**
 * Everything pgAnalytics stores about one person: the answer of {@code GET /api/v1/admin/people/{userId}/data}, a
 * GDPR subject-access export. Secrets (password hash, second-factor secrets, backup codes, token values) are never
 * part of it: only that they exist and when they were made or used.
 *
 * @param userId            the person's user id
 * @param exportedAt        when this export was made
 * @param account           the account as stored; null when it no longer exists (deleted or erased)
 * @param identities        the external identities the account is linked to (LDAP, OIDC, SAML): at most one today
 * @param factors           the enrolled second factors (kinds and dates)
 * @param backupCodes       the person's MFA backup codes (counts and dates); null when they have none
 * @param sessions          the person's sign-in sessions, newest first (dates and the client address; no token)
 * @param registrationTokensCreated how many collector registration tokens name this person as their creator
 * @param erasure           when and by whom the person's data was erased; null when it was not
 * @param records           the audit records by this person (actor) or about them (subject, or a user resource with
 *                          their id), oldest first, personal fields opened where their key lives
 * @param recordsTotal      how many such records the trail holds in all
 * @param nextAfterSeq      when {@code records} is not all of them: the {@code afterSeq} that gives the next page
 * @param note              what the export leaves out or bounds, in words
 */
public record PersonData(String userId, Instant exportedAt, Account account, List<Identity> identities, List<Factor> factors,
                         BackupCodes backupCodes, List<Session> sessions, long registrationTokensCreated, Erasure erasure,
                         List<AuditRecordView> records, long recordsTotal, Long nextAfterSeq, String note) {

    public PersonData {
        identities = List.copyOf(identities);
        factors = List.copyOf(factors);
        sessions = List.copyOf(sessions);
        records = List.copyOf(records);
    }

    /**
     * The account.
     *
     * @param source {@code local}, or the name of the identity provider the person signs in through
     * @param hasPassword whether a local password is set (never the password or its hash)
     */
    public record Account(String username, String displayName, String email, List<String> roles, String source, boolean enabled,
                          boolean hasPassword, Instant createdAt, Instant updatedAt, Instant lastLoginAt, Instant lastSyncedAt) {
        public Account {
            roles = roles == null ? List.of() : List.copyOf(roles);
        }
    }

    /** A link to an external identity: the provider's name and its stable id for the person (DN, sub, NameID). */
    public record Identity(String provider, String externalSubject, Instant lastSyncedAt) {
    }

    /** An enrolled second factor: {@code totp} or {@code hotp}, with its dates (never its secret). */
    public record Factor(String method, Instant createdAt, Instant lastUsedAt) {
    }

    /** The person's backup codes: how many, how many are left, when they were made and last used (never the codes). */
    public record BackupCodes(int total, int unused, Instant createdAt, Instant lastUsedAt) {
    }

    /**
     * A sign-in session (a family of refresh tokens): dates, the client address it began from, and how many refresh
     * tokens it was given (never their values).
     */
    public record Session(Instant createdAt, Instant expiresAt, Instant revokedAt, String revokedReason, String clientAddress,
                          Instant secondFactorAt, int refreshTokens, Instant lastRefreshAt) {
    }

    /** When the person's data was erased and which admin (user id) did it. */
    public record Erasure(Instant erasedAt, String erasedBy) {
    }
}

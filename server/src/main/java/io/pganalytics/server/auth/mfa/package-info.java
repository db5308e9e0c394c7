/**
 * Second factors: TOTP authenticator apps (RFC 6238), HOTP hardware tokens (RFC 4226) and single-use backup codes;
 * the policy that says who must use one; the sign-in challenge that {@code AuthService.openSession} answers with
 * instead of tokens while a second factor is owed; and the step-up check ({@link io.pganalytics.server.auth.mfa.StepUp})
 * that asks for a fresh one before an admin changes users. Owns the tables {@code auth_mfa_factor} and
 * {@code auth_mfa_backup_code} and the Hazelcast maps {@code pga.mfa-challenges} and {@code pga.mfa-enrolments}.
 */
package io.pganalytics.server.auth.mfa;

/**
 * Second factors in the console: the MFA prompt that finishes a sign-in (authenticator app, hardware token or backup
 * code), the TOTP enrolment with its QR code and the ten backup codes shown once, and the step-up prompt that admin
 * actions ask for.
 */
package io.pganalytics.console.mfa;

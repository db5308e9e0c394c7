package io.pganalytics.common.audit;

import java.time.Instant;

/**
 * The confirmation a destructive or security-relevant admin action asks for: the first request answers 428 with
 * error type {@code confirmation_required} and this in the envelope's {@code confirmation}; the client shows
 * {@code summary} to the person and, once they confirm, repeats the same request with the header
 * {@code X-Confirmation: <token>} before {@code expiresAt}. A token is good for that one request (same method, path
 * and body), by the same person, once.
 *
 * @param token              opaque, single-use
 * @param action             what would be done ({@code user.delete})
 * @param summary            one sentence for the dialog: "Delete user alice (admin)? Their sessions end at once."
 * @param expiresAt          when the token stops being accepted
 * @param secondFactorNeeded true when the person must also prove a fresh second factor before repeating the request
 *                           (MFA is on for them): the client asks for it with {@code POST /api/v1/auth/mfa/step-up}
 */
public record ConfirmationRequired(String token, String action, String summary, Instant expiresAt, boolean secondFactorNeeded) {
}

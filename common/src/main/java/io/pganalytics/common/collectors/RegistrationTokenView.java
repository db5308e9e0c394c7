package io.pganalytics.common.collectors;

import java.time.Instant;

/**
 * A registration token as listed: never its secret.
 *
 * @param id                 the token's id
 * @param note               the note given at creation, or null
 * @param createdBy          the admin who created it
 * @param createdAt          when it was created
 * @param expiresAt          after this it is refused
 * @param state              active, used (every use taken), expired or revoked
 * @param maxUses            how many collectors may register with it
 * @param usesLeft           how many more may, 0 once it is used up, expired or revoked
 * @param usedAt             when a collector last registered with it, or null
 * @param usedByCollectorId  the collector that last registered with it, or null
 * @param revokedAt          when an admin revoked it, or null
 */
public record RegistrationTokenView(long id,
                                    String note,
                                    String createdBy,
                                    Instant createdAt,
                                    Instant expiresAt,
                                    RegistrationTokenState state,
                                    int maxUses,
                                    int usesLeft,
                                    Instant usedAt,
                                    String usedByCollectorId,
                                    Instant revokedAt) {
}

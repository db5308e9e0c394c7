package io.pganalytics.common.collectors;

import java.time.Instant;

/**
 * A new one-time registration token: the only response that ever carries its secret. The server keeps its SHA-256.
 *
 * @param id        the token's id, to list or revoke it
 * @param token     the secret ({@code pgart_...}) to pass to {@code collector register --token}
 * @param note      the note given at creation, or null
 * @param createdBy the admin who created it
 * @param createdAt when it was created
 * @param expiresAt after this it is refused
 * @param maxUses   how many collectors may register with it
 */
public record RegistrationTokenCreated(long id, String token, String note, String createdBy, Instant createdAt, Instant expiresAt,
                                       int maxUses) {
    @Override
    public String toString() {
        return "RegistrationTokenCreated[id=" + id + ", token=***, note=" + note + ", createdBy=" + createdBy
                + ", createdAt=" + createdAt + ", expiresAt=" + expiresAt + ", maxUses=" + maxUses + "]";
    }
}

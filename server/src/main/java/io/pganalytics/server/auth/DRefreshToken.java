package io.pganalytics.server.auth;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One refresh token of a session, kept only as its SHA-256; single use.
 * Public only because the generated query bean (in {@code .query}) must name it; nothing outside this package uses it.
 */
@Entity
@Table(name = "auth_refresh_token")
public class DRefreshToken {
    @Id
    private Long id;
    @Column(nullable = false, length = 40)
    private String sessionId;
    @Column(nullable = false)
    private byte[] tokenHash;
    @Column(nullable = false)
    private Instant issuedAt;
    @Column(nullable = false)
    private Instant expiresAt;
    private Instant usedAt;

    Long getId() {
        return id;
    }

    String getSessionId() {
        return sessionId;
    }

    void setSessionId(String sessionId) {
        this.sessionId = sessionId;
    }

    byte[] getTokenHash() {
        return tokenHash;
    }

    void setTokenHash(byte[] tokenHash) {
        this.tokenHash = tokenHash;
    }

    Instant getIssuedAt() {
        return issuedAt;
    }

    void setIssuedAt(Instant issuedAt) {
        this.issuedAt = issuedAt;
    }

    Instant getExpiresAt() {
        return expiresAt;
    }

    void setExpiresAt(Instant expiresAt) {
        this.expiresAt = expiresAt;
    }

    Instant getUsedAt() {
        return usedAt;
    }

    void setUsedAt(Instant usedAt) {
        this.usedAt = usedAt;
    }
}

package io.pganalytics.server.auth;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;

/** A login session: one family of refresh tokens; its id is the {@code sid} claim of its access tokens.
 * Public only because the generated query bean (in {@code .query}) must name it; nothing outside this package uses it.
 */
@Entity
@Table(name = "auth_session")
public class DSession {
    @Id
    @Column(length = 40)
    private String id;
    @Column(nullable = false)
    private long userId;
    @Column(nullable = false)
    private Instant createdAt;
    @Column(nullable = false)
    private Instant expiresAt;
    private Instant revokedAt;
    @Column(length = 40)
    private String revokedReason;
    @Column(length = 64)
    private String clientAddress;
    private Instant secondFactorAt;
    @Version
    private long version;

    String getId() {
        return id;
    }

    void setId(String id) {
        this.id = id;
    }

    long getUserId() {
        return userId;
    }

    void setUserId(long userId) {
        this.userId = userId;
    }

    Instant getCreatedAt() {
        return createdAt;
    }

    void setCreatedAt(Instant createdAt) {
        this.createdAt = createdAt;
    }

    Instant getExpiresAt() {
        return expiresAt;
    }

    void setExpiresAt(Instant expiresAt) {
        this.expiresAt = expiresAt;
    }

    Instant getRevokedAt() {
        return revokedAt;
    }

    void setRevokedAt(Instant revokedAt) {
        this.revokedAt = revokedAt;
    }

    String getRevokedReason() {
        return revokedReason;
    }

    void setRevokedReason(String revokedReason) {
        this.revokedReason = revokedReason;
    }

    String getClientAddress() {
        return clientAddress;
    }

    void setClientAddress(String clientAddress) {
        this.clientAddress = clientAddress;
    }

    Instant getSecondFactorAt() {
        return secondFactorAt;
    }

    void setSecondFactorAt(Instant secondFactorAt) {
        this.secondFactorAt = secondFactorAt;
    }

    long getVersion() {
        return version;
    }
}

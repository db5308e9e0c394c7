package io.pganalytics.server.collectors;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A registration token (one use or several), kept only as its SHA-256; usedAt and usedByCollectorId name its latest use.
 * Public only because the generated query bean (in {@code .query}) must name it; nothing outside this package uses it.
 */
@Entity
@Table(name = "collector_registration_token")
public class DRegistrationToken {
    @Id
    private Long id;
    @Column(nullable = false)
    private byte[] tokenHash;
    @Column(length = 500)
    private String note;
    @Column(nullable = false, length = 64)
    private String createdBy;
    @Column(nullable = false)
    private Instant createdAt;
    @Column(nullable = false)
    private Instant expiresAt;
    private Instant usedAt;
    private UUID usedByCollectorId;
    private Instant revokedAt;
    @Column(nullable = false)
    private int maxUses = 1;
    @Column(nullable = false)
    private int useCount;

    Long getId() {
        return id;
    }

    byte[] getTokenHash() {
        return tokenHash;
    }

    void setTokenHash(byte[] tokenHash) {
        this.tokenHash = tokenHash;
    }

    String getNote() {
        return note;
    }

    void setNote(String note) {
        this.note = note;
    }

    String getCreatedBy() {
        return createdBy;
    }

    void setCreatedBy(String createdBy) {
        this.createdBy = createdBy;
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

    Instant getUsedAt() {
        return usedAt;
    }

    UUID getUsedByCollectorId() {
        return usedByCollectorId;
    }

    Instant getRevokedAt() {
        return revokedAt;
    }

    int getMaxUses() {
        return maxUses;
    }

    void setMaxUses(int maxUses) {
        this.maxUses = maxUses;
    }

    int getUseCount() {
        return useCount;
    }

    @Override
    public String toString() {
        return "DRegistrationToken[id=" + id + ", expiresAt=" + expiresAt + ", uses=" + useCount + "/" + maxUses + ", usedAt=" + usedAt
                + ", revokedAt=" + revokedAt + "]";
    }
}

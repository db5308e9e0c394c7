package io.pganalytics.server.collectors;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;
import java.util.UUID;

/** A registered collector. Never leaves this package: routes answer with {@code CollectorView}.
 * Public only because the generated query bean (in {@code .query}) must name it; nothing outside this package uses it.
 */
@Entity
@Table(name = "collector")
public class DCollector {
    @Id
    private UUID id;
    @Column(nullable = false, length = 200)
    private String name;
    @Column(length = 255)
    private String hostname;
    @Column(length = 64)
    private String collectorVersion;
    @Column(nullable = false)
    private byte[] credentialHash;
    private boolean enabled = true;
    private Long registrationTokenId;
    @Column(length = 64)
    private String clientAddress;
    @Column(nullable = false)
    private Instant createdAt;
    @Column(nullable = false)
    private Instant updatedAt;
    private Instant deletedAt;
    private Instant lastSeenAt;
    @Column(length = 64)
    private String lastVersion;
    private Long spoolDepthBatches;
    private Long errorCount;
    @Version
    private long version;

    UUID getId() {
        return id;
    }

    void setId(UUID id) {
        this.id = id;
    }

    String getName() {
        return name;
    }

    void setName(String name) {
        this.name = name;
    }

    String getHostname() {
        return hostname;
    }

    void setHostname(String hostname) {
        this.hostname = hostname;
    }

    String getCollectorVersion() {
        return collectorVersion;
    }

    void setCollectorVersion(String collectorVersion) {
        this.collectorVersion = collectorVersion;
    }

    byte[] getCredentialHash() {
        return credentialHash;
    }

    void setCredentialHash(byte[] credentialHash) {
        this.credentialHash = credentialHash;
    }

    boolean isEnabled() {
        return enabled;
    }

    void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    Long getRegistrationTokenId() {
        return registrationTokenId;
    }

    void setRegistrationTokenId(Long registrationTokenId) {
        this.registrationTokenId = registrationTokenId;
    }

    String getClientAddress() {
        return clientAddress;
    }

    void setClientAddress(String clientAddress) {
        this.clientAddress = clientAddress;
    }

    Instant getCreatedAt() {
        return createdAt;
    }

    void setCreatedAt(Instant createdAt) {
        this.createdAt = createdAt;
    }

    Instant getUpdatedAt() {
        return updatedAt;
    }

    void setUpdatedAt(Instant updatedAt) {
        this.updatedAt = updatedAt;
    }

    Instant getDeletedAt() {
        return deletedAt;
    }

    void setDeletedAt(Instant deletedAt) {
        this.deletedAt = deletedAt;
    }

    Instant getLastSeenAt() {
        return lastSeenAt;
    }

    String getLastVersion() {
        return lastVersion;
    }

    Long getSpoolDepthBatches() {
        return spoolDepthBatches;
    }

    Long getErrorCount() {
        return errorCount;
    }

    @Override
    public String toString() {
        return "DCollector[id=" + id + ", name=" + name + ", enabled=" + enabled + ", deletedAt=" + deletedAt + "]";
    }
}

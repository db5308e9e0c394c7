package io.pganalytics.server.auth.provider;

import io.ebean.annotation.DbJsonB;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;

/**
 * One identity provider as stored. settings, secrets and role mapping are JSON objects kept as text here and read by
 * {@link Definitions}. The secrets are sealed with the key service into {@code secrets_sealed} (the jsonb {@code secrets}
 * holds {@code {}}; an earlier version's clear secrets there are sealed at start) and never leave the server.
 * Public only because the generated query bean (in {@code .query}) must name it; nothing outside this package uses it.
 */
@Entity
@Table(name = "auth_identity_provider")
public class DIdentityProvider {
    @Id
    @Column(length = 32)
    private String name;
    @Column(nullable = false, length = 32)
    private String kind;
    @Column(nullable = false, length = 200)
    private String displayName;
    private boolean enabled = true;
    @Column(nullable = false, length = 20)
    private String origin;
    @DbJsonB
    @Column(nullable = false)
    private String settings;
    @DbJsonB
    @Column(nullable = false)
    private String secrets;
    private byte[] secretsSealed;
    @DbJsonB
    @Column(nullable = false)
    private String roleMapping;
    @Column(nullable = false)
    private Instant createdAt;
    @Column(nullable = false)
    private Instant updatedAt;
    @Version
    private long version;

    String getName() {
        return name;
    }

    void setName(String name) {
        this.name = name;
    }

    String getKind() {
        return kind;
    }

    void setKind(String kind) {
        this.kind = kind;
    }

    String getDisplayName() {
        return displayName;
    }

    void setDisplayName(String displayName) {
        this.displayName = displayName;
    }

    boolean isEnabled() {
        return enabled;
    }

    void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    String getOrigin() {
        return origin;
    }

    void setOrigin(String origin) {
        this.origin = origin;
    }

    String getSettings() {
        return settings;
    }

    void setSettings(String settings) {
        this.settings = settings;
    }

    String getSecrets() {
        return secrets;
    }

    void setSecrets(String secrets) {
        this.secrets = secrets;
    }

    byte[] getSecretsSealed() {
        return secretsSealed;
    }

    void setSecretsSealed(byte[] secretsSealed) {
        this.secretsSealed = secretsSealed;
    }

    String getRoleMapping() {
        return roleMapping;
    }

    void setRoleMapping(String roleMapping) {
        this.roleMapping = roleMapping;
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

    long getVersion() {
        return version;
    }

    @Override
    public String toString() {
        return "DIdentityProvider[name=" + name + ", kind=" + kind + ", enabled=" + enabled + ", origin=" + origin
                + ", version=" + version + "]";
    }
}

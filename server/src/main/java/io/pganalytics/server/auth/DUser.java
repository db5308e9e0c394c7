package io.pganalytics.server.auth;

import io.ebean.annotation.DbArray;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A person who signs in. Never leaves this package: routes answer with {@code UserView}.
 * Public only because the generated query bean (in {@code .query}) must name it; nothing outside this package uses it.
 */
@Entity
@Table(name = "auth_user")
public class DUser {
    @Id
    private Long id;
    @Column(nullable = false, length = 64)
    private String username;
    @Column(length = 200)
    private String displayName;
    @Column(length = 255)
    private String passwordHash;
    @DbArray
    @Column(nullable = false)
    private List<String> roles = new ArrayList<>();
    @Column(nullable = false, length = 32)
    private String source = "local";
    @Column(length = 512)
    private String externalSubject;
    @Column(length = 320)
    private String email;
    private Instant lastSyncedAt;
    private boolean enabled = true;
    @Column(nullable = false)
    private Instant createdAt;
    @Column(nullable = false)
    private Instant updatedAt;
    private Instant lastLoginAt;
    @Version
    private long version;

    Long getId() {
        return id;
    }

    String getUsername() {
        return username;
    }

    void setUsername(String username) {
        this.username = username;
    }

    String getDisplayName() {
        return displayName;
    }

    void setDisplayName(String displayName) {
        this.displayName = displayName;
    }

    String getPasswordHash() {
        return passwordHash;
    }

    void setPasswordHash(String passwordHash) {
        this.passwordHash = passwordHash;
    }

    List<String> getRoles() {
        return roles;
    }

    void setRoles(List<String> roles) {
        this.roles = roles;
    }

    String getSource() {
        return source;
    }

    void setSource(String source) {
        this.source = source;
    }

    String getExternalSubject() {
        return externalSubject;
    }

    void setExternalSubject(String externalSubject) {
        this.externalSubject = externalSubject;
    }

    String getEmail() {
        return email;
    }

    void setEmail(String email) {
        this.email = email;
    }

    Instant getLastSyncedAt() {
        return lastSyncedAt;
    }

    void setLastSyncedAt(Instant lastSyncedAt) {
        this.lastSyncedAt = lastSyncedAt;
    }

    /** Whether this user belongs to an identity provider (and so has no password here). */
    boolean isExternal() {
        return !"local".equals(source);
    }

    boolean isEnabled() {
        return enabled;
    }

    void setEnabled(boolean enabled) {
        this.enabled = enabled;
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

    Instant getLastLoginAt() {
        return lastLoginAt;
    }

    void setLastLoginAt(Instant lastLoginAt) {
        this.lastLoginAt = lastLoginAt;
    }

    long getVersion() {
        return version;
    }

    @Override
    public String toString() {
        return "DUser[id=" + id + ", username=" + username + ", roles=" + roles + ", enabled=" + enabled + "]";
    }
}

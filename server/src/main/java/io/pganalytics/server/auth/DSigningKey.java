package io.pganalytics.server.auth;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * An EC P-256 key pair that signs access tokens, shared by every node. The private key is PKCS#8, sealed with the key
 * service ({@link SigningKeys#SEALED}).
 * Public only because the generated query bean (in {@code .query}) must name it; nothing outside this package uses it.
 */
@Entity
@Table(name = "auth_signing_key")
public class DSigningKey {
    @Id
    @Column(length = 64)
    private String kid;
    @Column(nullable = false, length = 10)
    private String algorithm;
    @Column(nullable = false, columnDefinition = "text")
    private String publicJwk;
    @Column(nullable = false)
    private byte[] privateKey;
    @Column(nullable = false)
    private Instant createdAt;
    private Instant retiredAt;

    String getKid() {
        return kid;
    }

    void setKid(String kid) {
        this.kid = kid;
    }

    String getAlgorithm() {
        return algorithm;
    }

    void setAlgorithm(String algorithm) {
        this.algorithm = algorithm;
    }

    String getPublicJwk() {
        return publicJwk;
    }

    void setPublicJwk(String publicJwk) {
        this.publicJwk = publicJwk;
    }

    byte[] getPrivateKey() {
        return privateKey;
    }

    void setPrivateKey(byte[] privateKey) {
        this.privateKey = privateKey;
    }

    Instant getCreatedAt() {
        return createdAt;
    }

    void setCreatedAt(Instant createdAt) {
        this.createdAt = createdAt;
    }

    Instant getRetiredAt() {
        return retiredAt;
    }

    void setRetiredAt(Instant retiredAt) {
        this.retiredAt = retiredAt;
    }
}

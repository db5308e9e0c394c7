package io.pganalytics.server.audit;

import io.pganalytics.common.audit.AuditCanonical;
import io.pganalytics.server.crypto.SealedColumn;
import io.pganalytics.server.crypto.Sealer;

import javax.sql.DataSource;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The audit's own ES256 signing key (P-256, SHA256withECDSA from the JDK) in {@code audit.signing_key}: made by the
 * first node that starts, its private key (PKCS#8) sealed by the key service, its public key in the clear for anyone
 * to verify checkpoints and archive files with. Signatures are DER-encoded ECDSA signatures, as the JDK and OpenSSL
 * write them. A key's id is {@code audit-} and the first 16 hex digits of the SHA-256 of its public key.
 */
public final class AuditSigningKeys {
    /** The audit signing keys as the key service re-seals them on rotation. */
    public static final SealedColumn SEALED = new SealedColumn("audit.signing_key", "private_key", "key_id", "audit checkpoint signing keys");
    static final String ALGORITHM = "SHA256withECDSA";
    /** Serialises the creation of the first key among nodes starting together: "pga_aksk". */
    private static final long CREATE_LOCK = 0x7067615f616b736bL;

    private final DataSource dataSource;
    private final Sealer sealer;
    private final Clock clock;
    private volatile String currentId;
    private volatile PrivateKey currentKey;

    public AuditSigningKeys(DataSource dataSource, Sealer sealer, Clock clock) {
        this.dataSource = dataSource;
        this.sealer = sealer;
        this.clock = clock;
    }

    /** Loads the current key, creating it when the cluster has none yet; returns its id. */
    public synchronized String ensureKey() {
        if (currentId != null) {
            return currentId;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    lock.setLong(1, CREATE_LOCK);
                    lock.execute();
                }
                try (PreparedStatement select = c.prepareStatement(
                        "SELECT key_id, private_key FROM audit.signing_key WHERE retired_at IS NULL ORDER BY created_at DESC, key_id LIMIT 1");
                     ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        String id = rs.getString(1);
                        currentKey = privateKey(sealer.open(SEALED.context(id), rs.getBytes(2)));
                        currentId = id;
                    }
                }
                if (currentId == null) {
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec("secp256r1"));
                    KeyPair pair = generator.generateKeyPair();
                    String id = keyId(pair.getPublic());
                    try (PreparedStatement insert = c.prepareStatement(
                            "INSERT INTO audit.signing_key (key_id, public_key, private_key, created_at) VALUES (?, ?, ?, ?)")) {
                        insert.setString(1, id);
                        insert.setBytes(2, pair.getPublic().getEncoded());
                        insert.setBytes(3, sealer.seal(SEALED.context(id), pair.getPrivate().getEncoded()));
                        insert.setTimestamp(4, Timestamp.from(clock.instant()));
                        insert.executeUpdate();
                    }
                    currentKey = pair.getPrivate();
                    currentId = id;
                }
                c.commit();
                return currentId;
            } catch (SQLException | RuntimeException e) {
                currentId = null;
                currentKey = null;
                c.rollback();
                throw e;
            }
        } catch (SQLException | GeneralSecurityException e) {
            throw new IllegalStateException("audit: cannot load or create the audit signing key: " + e.getMessage(), e);
        }
    }

    /** The current key's id. */
    public String currentKeyId() {
        return ensureKey();
    }

    /** Signs {@code statement} with the current key: a DER-encoded ECDSA signature. */
    public byte[] sign(byte[] statement) {
        ensureKey();
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(currentKey);
            signature.update(statement);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("audit: signing with key " + currentId + " failed: " + e.getMessage(), e);
        }
    }

    /** Every public key the audit ever signed with, by id (retired ones included: old checkpoints still verify). */
    public Map<String, PublicKey> publicKeys() {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement select = c.prepareStatement("SELECT key_id, public_key FROM audit.signing_key ORDER BY created_at, key_id");
                 ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    keys.put(rs.getString(1), publicKey(rs.getBytes(2)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("audit: cannot read the audit public keys: " + e.getMessage(), e);
        }
        return keys;
    }

    /** Whether {@code signature} is {@code key}'s ES256 signature of {@code statement}. */
    public static boolean verify(PublicKey key, byte[] statement, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(statement);
            return verifier.verify(signature);
        } catch (java.security.SignatureException e) {
            return false;  // a malformed signature is a bad one
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("audit: cannot verify an ES256 signature: " + e.getMessage(), e);
        }
    }

    public static PublicKey publicKey(byte[] x509) {
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(x509));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an EC public key (X.509 SubjectPublicKeyInfo): " + e.getMessage(), e);
        }
    }

    /** A public key from its PEM text ({@code -----BEGIN PUBLIC KEY-----}). */
    public static PublicKey publicKeyFromPem(String pem) {
        String body = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        try {
            return publicKey(java.util.Base64.getDecoder().decode(body));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a PEM public key: " + e.getMessage(), e);
        }
    }

    public static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** The public key as a JWK (RFC 7517/7518: kty EC, crv P-256, x and y base64url without padding). */
    public static Map<String, String> jwk(String keyId, PublicKey key) {
        java.security.interfaces.ECPublicKey ec = (java.security.interfaces.ECPublicKey) key;
        Map<String, String> jwk = new LinkedHashMap<>();
        jwk.put("kty", "EC");
        jwk.put("crv", "P-256");
        jwk.put("x", coordinate(ec.getW().getAffineX()));
        jwk.put("y", coordinate(ec.getW().getAffineY()));
        jwk.put("kid", keyId);
        jwk.put("alg", "ES256");
        jwk.put("use", "sig");
        return jwk;
    }

    static String keyId(PublicKey key) {
        byte[] digest = AuditCanonical.sha256().digest(key.getEncoded());
        return "audit-" + HexFormat.of().formatHex(digest, 0, 8);
    }

    private static String coordinate(java.math.BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[32];
        int copy = Math.min(32, bytes.length);
        System.arraycopy(bytes, bytes.length - copy, fixed, 32 - copy, copy);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
    }

    private static PrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }
}

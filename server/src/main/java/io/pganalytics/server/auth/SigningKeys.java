package io.pganalytics.server.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ebean.Database;
import io.ebean.DuplicateKeyException;
import io.ebean.Transaction;
import io.helidon.security.jwt.jwk.Jwk;
import io.helidon.security.jwt.jwk.JwkEC;
import io.pganalytics.server.crypto.ClearValues;
import io.pganalytics.server.crypto.SealedColumn;
import io.pganalytics.server.crypto.Sealer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The EC P-256 keys that sign access tokens, shared by every node through the database.
 * <p>
 * One key is active and signs; when it is older than {@code signing-key-rotation} a node replaces it (an advisory
 * lock and a unique index keep two nodes from both doing so). A retired key still verifies until every token it
 * signed has expired, plus {@link #RETIREMENT_MARGIN} to cover nodes that noticed the rotation late. Every node
 * reloads the set each {@code refresh} and at once when a token names a key it does not know (at most once a second).
 * <p>
 * The private keys are sealed with the key service ({@link #SEALED}, row key {@code kid}); only the public keys are stored
 * as they are.
 */
final class SigningKeys {
    static final String ALGORITHM = JwkEC.ALG_ES256;
    /** How late a node may notice a rotation (it reloads every minute) and still have its tokens verified. */
    static final Duration RETIREMENT_MARGIN = Duration.ofMinutes(5);
    private static final Duration UNKNOWN_KID_RELOAD_INTERVAL = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();

    /** Where the private keys are sealed. */
    static final SealedColumn SEALED = new SealedColumn("auth_signing_key", "private_key", "kid", "token-signing private keys");

    private final Database database;
    private final Sealer sealer;
    private final SigningKeyRepository repository;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final SecureRandom random;
    private final Duration rotation;
    private final Duration accessTokenTtl;
    /** One reload at a time for unknown key ids; a lock rather than synchronized, which would pin virtual threads. */
    private final ReentrantLock unknownKidReload = new ReentrantLock();
    private volatile KeySet keys = KeySet.EMPTY;

    SigningKeys(Database database, Sealer sealer, ObjectMapper mapper, Clock clock, SecureRandom random, Duration rotation,
                Duration accessTokenTtl) {
        this.database = database;
        this.sealer = sealer;
        this.repository = new SigningKeyRepository(database);
        this.mapper = mapper;
        this.clock = clock;
        this.random = random;
        this.rotation = rotation;
        this.accessTokenTtl = accessTokenTtl;
    }

    /** Upgrading: seals the private keys an earlier version stored in the clear, and erases the clear copies. */
    void sealClearKeys() {
        if (ClearValues.sealInPlace(database.dataSource(), sealer, SEALED) > 0) {
            ClearValues.eraseDeadCopies(database.dataSource(), SEALED.table());
        }
    }

    /** Rotates when the active key is missing or too old, drops keys no token can need any more, and reloads. */
    void refresh() {
        rotateIfDue();
        Instant cutoff = clock.instant().minus(accessTokenTtl).minus(RETIREMENT_MARGIN);
        int dropped = repository.deleteRetiredBefore(cutoff);
        if (dropped > 0) {
            LOG.info("signing keys: dropped {} retired key(s) that no unexpired token can need", dropped);
        }
        reload();
    }

    /** The key that signs new tokens. */
    SigningKey signer() {
        SigningKey current = keys.signer;
        if (current == null) {
            throw new IllegalStateException("signing keys: not loaded; start() must run before tokens are issued");
        }
        return current;
    }

    /** The key to verify a token that names {@code kid}, reloading once if it is not known here yet. */
    Optional<Jwk> verifier(String kid) {
        Jwk jwk = keys.verifiers.get(kid);
        if (jwk != null) {
            return Optional.of(jwk);
        }
        unknownKidReload.lock();
        try {
            // Another request may have reloaded while this one waited; and a flood of made-up key ids costs one query a second.
            KeySet current = keys;
            if (!current.verifiers.containsKey(kid)
                    && Duration.between(current.loadedAt, clock.instant()).compareTo(UNKNOWN_KID_RELOAD_INTERVAL) >= 0) {
                reload();
            }
            return Optional.ofNullable(keys.verifiers.get(kid));
        } finally {
            unknownKidReload.unlock();
        }
    }

    /** The public keys as a JWK set document ({@code {"keys": [...]}}). */
    Map<String, Object> jwks() {
        return Map.of("keys", keys.publicJwks);
    }

    /** Rotates now if the active key is due; returns whether this call created a key. Visible for tests. */
    boolean rotateIfDue() {
        Instant now = clock.instant();
        Optional<DSigningKey> active = repository.active();
        if (active.isPresent() && !isDue(active.get(), now)) {
            return false;
        }
        try (Transaction tx = database.beginTransaction()) {
            repository.lockRotation();
            Optional<DSigningKey> current = repository.active();
            if (current.isPresent() && !isDue(current.get(), now)) {
                return false; // another node rotated while this one waited for the lock
            }
            current.ifPresent(old -> repository.retire(old.getKid(), now));
            DSigningKey created = generate(now);
            repository.insert(created);
            tx.commit();
            LOG.info("signing keys: new key {} is active{}", created.getKid(),
                    current.map(old -> "; key " + old.getKid() + " retired and kept for verification").orElse(""));
            return true;
        } catch (DuplicateKeyException e) {
            LOG.info("signing keys: another node created the active key at the same time; using it");
            return false;
        }
    }

    private boolean isDue(DSigningKey key, Instant now) {
        return !key.getCreatedAt().plus(rotation).isAfter(now);
    }

    void reload() {
        Instant now = clock.instant();
        List<DSigningKey> rows = repository.verifiable(now.minus(accessTokenTtl).minus(RETIREMENT_MARGIN));
        SigningKey signer = null;
        Map<String, Jwk> verifiers = new LinkedHashMap<>();
        List<Map<String, Object>> publicJwks = new java.util.ArrayList<>();
        for (DSigningKey row : rows) {
            Map<String, Object> publicJwk = readJson(row.getPublicJwk());
            ECPublicKey publicKey = publicKey(publicJwk);
            verifiers.put(row.getKid(), JwkEC.builder().publicKey(publicKey).keyId(row.getKid()).algorithm(ALGORITHM).build());
            publicJwks.add(publicJwk);
            if (row.getRetiredAt() == null) {
                ECPrivateKey privateKey = privateKey(sealer.open(SEALED.context(row.getKid()), row.getPrivateKey()));
                signer = new SigningKey(row.getKid(), JwkEC.builder().publicKey(publicKey).privateKey(privateKey)
                        .keyId(row.getKid()).algorithm(ALGORITHM).build());
            }
        }
        KeySet previous = keys;
        keys = new KeySet(signer, Map.copyOf(verifiers), List.copyOf(publicJwks), now);
        if (signer != null && (previous.signer == null || !previous.signer.kid().equals(signer.kid()))) {
            LOG.info("signing keys: signing with key {}; {} key(s) verify", signer.kid(), verifiers.size());
        }
    }

    private DSigningKey generate(Instant now) {
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing keys: this JDK cannot generate EC P-256 keys", e);
        }
        byte[] kidBytes = new byte[12];
        random.nextBytes(kidBytes);
        String kid = B64URL.encodeToString(kidBytes);
        ECPublicKey publicKey = (ECPublicKey) pair.getPublic();
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "EC");
        jwk.put("crv", "P-256");
        jwk.put("x", B64URL.encodeToString(unsigned(publicKey.getW().getAffineX())));
        jwk.put("y", B64URL.encodeToString(unsigned(publicKey.getW().getAffineY())));
        jwk.put("kid", kid);
        jwk.put("alg", ALGORITHM);
        jwk.put("use", "sig");
        DSigningKey key = new DSigningKey();
        key.setKid(kid);
        key.setAlgorithm(ALGORITHM);
        key.setPublicJwk(writeJson(jwk));
        key.setPrivateKey(sealer.seal(SEALED.context(kid), pair.getPrivate().getEncoded()));
        key.setCreatedAt(now);
        return key;
    }

    private static byte[] unsigned(BigInteger coordinate) {
        byte[] raw = coordinate.toByteArray();
        byte[] fixed = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, fixed, 32 - copy, copy);
        return fixed;
    }

    private static ECPublicKey publicKey(Map<String, Object> jwk) {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
            BigInteger x = new BigInteger(1, B64URL_DECODER.decode((String) jwk.get("x")));
            BigInteger y = new BigInteger(1, B64URL_DECODER.decode((String) jwk.get("y")));
            return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), spec));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("signing keys: the stored public key " + jwk.get("kid") + " cannot be read", e);
        }
    }

    private static ECPrivateKey privateKey(byte[] pkcs8) {
        try {
            return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing keys: a stored private key cannot be read", e);
        }
    }

    private Map<String, Object> readJson(String json) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = mapper.readValue(json, LinkedHashMap.class);
            return map;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("signing keys: a stored public JWK is not JSON", e);
        }
    }

    private String writeJson(Map<String, Object> map) {
        try {
            return mapper.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("signing keys: cannot write a JWK", e);
        }
    }

    record SigningKey(String kid, JwkEC jwk) {
    }

    private record KeySet(SigningKey signer, Map<String, Jwk> verifiers, List<Map<String, Object>> publicJwks, Instant loadedAt) {
        static final KeySet EMPTY = new KeySet(null, Map.of(), List.of(), Instant.EPOCH);
    }
}

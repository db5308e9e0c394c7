package io.pganalytics.server.auth;

import io.pganalytics.server.http.ApiException;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id password hashes in the PHC string format ({@code $argon2id$v=19$m=19456,t=3,p=1$salt$hash}).
 * <p>
 * Each hash holds its own parameters, so raising the cost later leaves old hashes verifiable. Verification compares
 * in constant time, and {@link #verifyNothing} spends the same work on an unknown user name so that the time a
 * login takes does not tell which names exist. Hashing is memory-hard on purpose: at most a few run at once
 * (a burst of logins waits, then gets 503) so that a flood cannot exhaust the heap.
 */
final class PasswordHasher {
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{16,88})\\$([A-Za-z0-9+/]{16,88})");
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Duration MAX_WAIT = Duration.ofSeconds(10);
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final SecureRandom random;
    private final Semaphore permits;
    private final String dummyHash;

    PasswordHasher(int memoryKib, int iterations, int parallelism, SecureRandom random) {
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.random = random;
        this.permits = new Semaphore(Math.max(2, Runtime.getRuntime().availableProcessors() * 2), true);
        this.dummyHash = hash("a password nobody has: " + random.nextLong());
    }

    static PasswordHasher from(AuthConfig config, SecureRandom random) {
        return new PasswordHasher(config.argon2MemoryKib(), config.argon2Iterations(), config.argon2Parallelism(), random);
    }

    String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, memoryKib, iterations, parallelism, HASH_BYTES);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** Whether the password matches the PHC string; a string that is not one of ours never matches. */
    boolean verify(String password, String phc) {
        Optional<Parsed> parsed = parse(phc);
        if (parsed.isEmpty()) {
            // Still spend the work, so that a damaged hash is not told apart by timing either.
            verifyNothing(password);
            return false;
        }
        Parsed p = parsed.get();
        byte[] actual = derive(password, p.salt, p.memoryKib, p.iterations, p.parallelism, p.hash.length);
        return MessageDigest.isEqual(actual, p.hash);
    }

    /** The same work as a real verification, for a user name that does not exist; always false. */
    boolean verifyNothing(String password) {
        verify(password, dummyHash);
        return false;
    }

    /** Whether a stored hash was made with other parameters than today's, so it should be replaced at next login. */
    boolean needsRehash(String phc) {
        return parse(phc).map(p -> p.memoryKib != memoryKib || p.iterations != iterations || p.parallelism != parallelism)
                .orElse(true);
    }

    private byte[] derive(String password, byte[] salt, int memory, int time, int lanes, int length) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memory)
                .withIterations(time)
                .withParallelism(lanes)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[length];
        acquire();
        try {
            generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        } finally {
            permits.release();
        }
        return out;
    }

    private void acquire() {
        try {
            if (!permits.tryAcquire(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw ApiException.unavailable("too many sign-ins are being checked at once; try again shortly", Duration.ofSeconds(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("the server is stopping", Duration.ofSeconds(2));
        }
    }

    private static Optional<Parsed> parse(String phc) {
        if (phc == null) {
            return Optional.empty();
        }
        Matcher m = PHC.matcher(phc);
        if (!m.matches()) {
            return Optional.empty();
        }
        int memory = Integer.parseInt(m.group(1));
        int time = Integer.parseInt(m.group(2));
        int lanes = Integer.parseInt(m.group(3));
        if (memory < 8 * lanes || time < 1 || lanes < 1 || memory > 4_194_304) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Parsed(memory, time, lanes, B64_DECODER.decode(m.group(4)), B64_DECODER.decode(m.group(5))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private record Parsed(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {
    }
}

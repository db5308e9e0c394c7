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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id password hashes in the PHC string format ({@code $argon2id$v=19$m=19456,t=3,p=1$salt$hash}).
 * <p>
 * Each hash holds its own parameters, so raising the cost later leaves old hashes verifiable. Verification compares
 * in constant time, and {@link #verifyNothing} spends the same work on an unknown user name so that the time a
 * login takes does not tell which names exist. Hashing is memory-hard and CPU-bound on purpose, so it runs on a few
 * platform threads of its own with a bounded queue: a flood of logins waits there a little, then gets 503 with
 * Retry-After, and never takes the CPU from the (virtual) request threads that hold database connections.
 */
final class PasswordHasher implements AutoCloseable {
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{16,88})\\$([A-Za-z0-9+/]{16,88})");
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Duration MAX_WAIT = Duration.ofSeconds(10);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(2);
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final SecureRandom random;
    private final ThreadPoolExecutor workers;
    private final String dummyHash;

    PasswordHasher(int memoryKib, int iterations, int parallelism, SecureRandom random) {
        this(memoryKib, iterations, parallelism, random, AuthConfig.defaultHashingThreads(), 32);
    }

    /**
     * @param threads the hashes computed at once
     * @param queue   the hashes that may wait for a thread; beyond them a request gets 503 at once
     */
    PasswordHasher(int memoryKib, int iterations, int parallelism, SecureRandom random, int threads, int queue) {
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.random = random;
        AtomicInteger number = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue), runnable -> {
            Thread thread = new Thread(runnable, "pga-password-hash-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
        this.dummyHash = hash("a password nobody has: " + random.nextLong());
    }

    static PasswordHasher from(AuthConfig config, SecureRandom random) {
        return new PasswordHasher(config.argon2MemoryKib(), config.argon2Iterations(), config.argon2Parallelism(), random,
                config.hashingThreads(), config.maxConcurrentLogins());
    }

    @Override
    public void close() {
        workers.shutdownNow();
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
        Future<byte[]> result;
        try {
            result = workers.submit(() -> {
                Argon2BytesGenerator generator = new Argon2BytesGenerator();
                generator.init(parameters);
                byte[] out = new byte[length];
                generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
                return out;
            });
        } catch (RejectedExecutionException e) {
            throw ApiException.unavailable("too many sign-ins are being checked at once; try again shortly", RETRY_AFTER);
        }
        try {
            return result.get(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            throw ApiException.unavailable("too many sign-ins are being checked at once; try again shortly", RETRY_AFTER);
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("the server is stopping", RETRY_AFTER);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Argon2id hashing failed", e.getCause());
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

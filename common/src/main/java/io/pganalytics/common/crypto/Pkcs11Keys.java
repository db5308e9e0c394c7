package io.pganalytics.common.crypto;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AuthProvider;
import java.security.GeneralSecurityException;
import java.security.InvalidParameterException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.security.Security;
import java.security.UnrecoverableKeyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Key-encryption keys in a PKCS#11 token (an HSM, or SoftHSM2), through the JDK's SunPKCS11 provider configured at run
 * time. Each version is an AES-256 secret key object labelled {@code <prefix>-v<N>}: generated inside the token as
 * sensitive and non-extractable, then stored as a token object ({@code CKA_TOKEN}, {@code CKA_PRIVATE}) through the
 * provider's key store. Wrapping is AES-GCM computed by the token, its output an {@link Envelope} whose key id is the
 * version and whose associated data is the {@link SealContext}; the key's bytes never reach this process.
 * <p>
 * The token is named by its label (looked up among the library's slots, which needs {@code --add-exports
 * jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED}: the server's jar manifest carries it) or by its slot
 * id. Login is per process: while one instance is logged in to a token, another instance in the same JVM finds it
 * logged in and checks no PIN, so a process opens one instance per token.
 */
public final class Pkcs11Keys implements KeyEncryptionKeys {
    public static final String KIND = "pkcs11";
    public static final String DEFAULT_PREFIX = "pganalytics-kek";
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final long CKF_OS_LOCKING_OK = 0x2L;
    private static final long CKF_TOKEN_INITIALIZED = 0x400L;
    private static final String WRAPPER = "sun.security.pkcs11.wrapper";

    /**
     * Which token: the PKCS#11 library and the token's label or its slot id (one of them).
     *
     * @param library the vendor's PKCS#11 module (an absolute path to a shared library)
     */
    public record Token(Path library, Optional<String> label, OptionalLong slot) {
        public Token {
            if (label.isPresent() == slot.isPresent()) {
                throw new IllegalArgumentException("name the token by its label or by its slot, exactly one of them");
            }
        }

        public static Token labelled(Path library, String label) {
            return new Token(library, Optional.of(label), OptionalLong.empty());
        }

        public static Token inSlot(Path library, long slot) {
            return new Token(library, Optional.empty(), OptionalLong.of(slot));
        }

        @Override
        public String toString() {
            return label.map(l -> "token '" + l + "'").orElseGet(() -> "the token in slot " + slot.getAsLong()) + " of " + library;
        }
    }

    private final Token token;
    private final String prefix;
    private final Pattern labels;
    private final char[] pin;
    private final SecureRandom random;
    private final Provider provider;
    private final KeyStore store;
    private final Map<Integer, SecretKey> keys = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();

    private Pkcs11Keys(Token token, String prefix, char[] pin, SecureRandom random, Provider provider, KeyStore store) {
        this.token = token;
        this.prefix = prefix;
        this.labels = Pattern.compile(Pattern.quote(prefix) + "-v(\\d{1,9})");
        this.pin = pin;
        this.random = random;
        this.provider = provider;
        this.store = store;
    }

    /**
     * Loads the library, finds the token and logs in with {@code pin}.
     *
     * @throws CryptoException {@code WRONG_PASSPHRASE} when the PIN does not log in, {@code KEY_UNAVAILABLE} naming the
     *                         library or token when it cannot be loaded or found
     */
    public static Pkcs11Keys open(Token token, char[] pin, String keyLabelPrefix, SecureRandom random) {
        if (!isValidLabelPrefix(keyLabelPrefix)) {
            throw new IllegalArgumentException("the key label prefix '" + keyLabelPrefix + "' is not 1 to 64 letters, digits, '.', '_' or '-'");
        }
        if (pin.length == 0) {
            throw new CryptoException(CryptoException.Reason.WRONG_PASSPHRASE, "the PIN for " + token + " is empty; a token needs its user PIN");
        }
        Path library = token.library();
        if (!library.isAbsolute() || !Files.isRegularFile(library) || !Files.isReadable(library)) {
            throw new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "the PKCS#11 library " + library
                    + (library.isAbsolute() ? " does not exist or is not readable" : " is not an absolute path"));
        }
        long slot = token.slot().isPresent() ? token.slot().getAsLong() : slotOf(library, token.label().orElseThrow());
        Provider provider = configure(token, slot);
        char[] copy = pin.clone();
        KeyStore store = login(token, provider, copy);
        return new Pkcs11Keys(token, keyLabelPrefix, copy, random, provider, store);
    }

    /** Whether {@code prefix} can start key labels: 1 to 64 letters, digits, '.', '_' or '-', the first a letter or digit. */
    public static boolean isValidLabelPrefix(String prefix) {
        return PREFIX.matcher(prefix).matches();
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String location() {
        return token.label().map(l -> "token " + l).orElseGet(() -> "slot " + token.slot().getAsLong()) + ", keys " + prefix + "-v<N>";
    }

    /** Reads the token's objects afresh: another node sharing the token may have created or destroyed a version. */
    @Override
    public SortedSet<Integer> versions() {
        lock.lock();
        try {
            store.load(null, pin);
            SortedSet<Integer> versions = new TreeSet<>();
            for (String alias : Collections.list(store.aliases())) {
                Matcher m = labels.matcher(alias);
                if (m.matches() && store.isKeyEntry(alias)) {
                    versions.add(Integer.parseInt(m.group(1)));
                }
            }
            keys.keySet().retainAll(versions);
            return Collections.unmodifiableSortedSet(versions);
        } catch (IOException | GeneralSecurityException | ProviderException e) {
            throw unavailable("cannot list the keys in " + token, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean canManage() {
        return true;
    }

    @Override
    public int createVersion() {
        lock.lock();
        try {
            SortedSet<Integer> held = versions();
            int version = held.isEmpty() ? 1 : held.last() + 1;
            KeyGenerator generator = KeyGenerator.getInstance("AES", provider);
            generator.init(Envelope.KEY_BYTES * 8, random);
            // a session object made sensitive and non-extractable by the provider's attributes; the key store copies it
            // into a token object labelled with the alias, which keeps both attributes (PKCS#11 never relaxes them)
            SecretKey generated = generator.generateKey();
            store.setEntry(label(version), new KeyStore.SecretKeyEntry(generated), null);
            return version;
        } catch (GeneralSecurityException | ProviderException e) {
            throw unavailable("cannot create a key " + prefix + "-v<N> in " + token, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public byte[] wrap(int version, byte[] dataKey, SealContext context) {
        return withKey(version, key -> Envelope.seal(version, key, context, dataKey, random, provider), "wrap " + context);
    }

    @Override
    public byte[] unwrap(int version, byte[] wrapped, SealContext context) {
        int named = Envelope.keyId(wrapped, context);
        if (named != version) {
            throw new CryptoException(CryptoException.Reason.TAMPERED, context + " was wrapped by key-encryption key version "
                    + named + ", not " + version);
        }
        return withKey(version, key -> Envelope.open(key, context, wrapped, provider), "unwrap " + context);
    }

    /**
     * Runs {@code operation} with the version's key; when the token refuses it (its sessions were lost: the HSM
     * restarted, or another instance in this process logged out), logs in again and tries once more.
     */
    private byte[] withKey(int version, Function<SecretKey, byte[]> operation, String what) {
        try {
            return operation.apply(key(version));
        } catch (IllegalStateException | ProviderException first) {
            keys.clear();
            try {
                return operation.apply(key(version));
            } catch (IllegalStateException | ProviderException e) {
                throw unavailable(token + " did not " + what + " with key " + label(version), e);
            }
        }
    }

    @Override
    public void destroyVersion(int version) {
        lock.lock();
        try {
            if (!versions().contains(version)) {
                throw new CryptoException(CryptoException.Reason.UNKNOWN_KEY, token + " holds no key " + label(version));
            }
            store.deleteEntry(label(version));
            keys.remove(version);
        } catch (GeneralSecurityException | ProviderException e) {
            throw unavailable("cannot destroy key " + label(version) + " in " + token, e);
        } finally {
            lock.unlock();
        }
    }

    /** Logs out of the token (every session of this process on it) and forgets the PIN. */
    @Override
    public void close() {
        keys.clear();
        try {
            if (provider instanceof AuthProvider auth) {
                auth.logout();
            }
        } catch (LoginException | ProviderException e) {
            // the token is gone or already logged out: nothing is left to close
        } finally {
            Arrays.fill(pin, '\0');
        }
    }

    private SecretKey key(int version) {
        SecretKey cached = keys.get(version);
        if (cached != null) {
            return cached;
        }
        lock.lock();
        try {
            // a version created by another node after this one loaded the token is found by rereading it
            if (!versions().contains(version)) {
                throw new CryptoException(CryptoException.Reason.UNKNOWN_KEY, token + " holds no key-encryption key " + label(version));
            }
            Key key = store.getKey(label(version), null);
            if (!(key instanceof SecretKey secret)) {
                throw new CryptoException(CryptoException.Reason.UNKNOWN_KEY, token + " holds " + label(version) + " but not as a secret key");
            }
            keys.put(version, secret);
            return secret;
        } catch (GeneralSecurityException | ProviderException e) {
            throw unavailable("cannot read key " + label(version) + " in " + token, e);
        } finally {
            lock.unlock();
        }
    }

    private String label(int version) {
        return prefix + "-v" + version;
    }

    private static CryptoException unavailable(String message, Throwable cause) {
        return new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, message + ": " + describe(cause), cause);
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }

    private static Provider configure(Token token, long slot) {
        String library = token.library().toString().replace("\\", "\\\\").replace("\"", "\\\"");
        String config = """
                --name = pganalytics
                library = "%s"
                slot = %d
                attributes(generate, CKO_SECRET_KEY, CKK_AES) = {
                  CKA_SENSITIVE = true
                  CKA_EXTRACTABLE = false
                  CKA_ENCRYPT = true
                  CKA_DECRYPT = true
                  CKA_WRAP = false
                  CKA_UNWRAP = false
                  CKA_SIGN = false
                  CKA_VERIFY = false
                }
                """.formatted(library, slot);
        Provider unconfigured = Security.getProvider("SunPKCS11");
        if (unconfigured == null) {
            throw new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "this Java runtime has no SunPKCS11 provider "
                    + "(module jdk.crypto.cryptoki): it cannot reach " + token);
        }
        try {
            return unconfigured.configure(config);
        } catch (InvalidParameterException | ProviderException e) {
            throw unavailable("cannot use " + token + (token.label().isPresent() ? " (slot " + slot + ")" : ""), e);
        }
    }

    private static KeyStore login(Token token, Provider provider, char[] pin) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS11", provider);
            store.load(null, pin);
            return store;
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException && e.getCause().getCause() instanceof FailedLoginException) {
                throw new CryptoException(CryptoException.Reason.WRONG_PASSPHRASE, "the PIN does not log in to " + token
                        + " (wrong PIN, or the PIN of another token)");
            }
            throw unavailable("cannot log in to " + token, e);
        } catch (GeneralSecurityException | ProviderException e) {
            throw unavailable("cannot log in to " + token, e);
        }
    }

    /**
     * The slot holding the initialised token with this label. SunPKCS11 takes only a slot, and offers no public way to
     * list tokens: its PKCS#11 wrapper does (exported to this code by the server's jar manifest).
     */
    private static long slotOf(Path library, String label) {
        try {
            Class<?> wrapper = Class.forName(WRAPPER + ".PKCS11");
            Class<?> argsType = Class.forName(WRAPPER + ".CK_C_INITIALIZE_ARGS");
            Object args = argsType.getConstructor().newInstance();
            argsType.getField("flags").setLong(args, CKF_OS_LOCKING_OK);
            Object module = wrapper.getMethod("getInstance", String.class, String.class, argsType, boolean.class)
                    .invoke(null, library.toString(), "C_GetFunctionList", args, false);
            long[] slots = (long[]) wrapper.getMethod("C_GetSlotList", boolean.class).invoke(module, true);
            List<String> seen = new ArrayList<>();
            List<Long> matches = new ArrayList<>();
            for (long slot : slots) {
                Object info = wrapper.getMethod("C_GetTokenInfo", long.class).invoke(module, slot);
                if ((info.getClass().getField("flags").getLong(info) & CKF_TOKEN_INITIALIZED) == 0) {
                    continue;
                }
                String found = new String((char[]) info.getClass().getField("label").get(info)).strip();
                seen.add(found);
                if (found.equals(label)) {
                    matches.add(slot);
                }
            }
            if (matches.size() == 1) {
                return matches.get(0);
            }
            if (matches.isEmpty()) {
                throw new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "no token labelled '" + label + "' in the PKCS#11 library "
                        + library + " (its initialised tokens: " + (seen.isEmpty() ? "none" : String.join(", ", seen)) + ")");
            }
            throw new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, matches.size() + " tokens are labelled '" + label
                    + "' in " + library + " (slots " + matches + "): name the slot instead");
        } catch (InvocationTargetException e) {
            throw unavailable("cannot list the tokens of the PKCS#11 library " + library, e.getCause());
        } catch (ReflectiveOperationException | IllegalAccessError | ClassCastException e) {
            throw new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "cannot look up token '" + label + "' in " + library
                    + ": this JVM does not open " + WRAPPER + " (run it with --add-exports jdk.crypto.cryptoki/" + WRAPPER
                    + "=ALL-UNNAMED, as the server's jar does) or name the token by its slot", e);
        }
    }
}

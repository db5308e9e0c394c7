package io.pganalytics.common.crypto;

import javax.crypto.SecretKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Key-encryption keys in a PKCS#12 key store file: one AES-256 secret-key entry per version (aliases {@code kek-v1},
 * {@code kek-v2}, ...), the file protected by a passphrase (PBES2 with AES-256, the JDK's default). Created on first
 * use, owner-only ({@code 0600}, its directory {@code 0700}); a new version is written to a temporary file and moved
 * over the old one, so a crash leaves either the old file or the new one.
 * <p>
 * The file is for one process: several server nodes need a PKCS#11 HSM or a KMS (or the same file distributed by the
 * operator, read-only, in which case {@link #canManage()} is false).
 */
public final class KeyStoreFileKeys implements KeyEncryptionKeys {
    public static final String KIND = "keystore";
    private static final Pattern ALIAS = Pattern.compile("kek-v(\\d{1,9})");
    private static final String TYPE = "PKCS12";

    private final Path file;
    private final char[] passphrase;
    private final boolean writable;
    private final SecureRandom random;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile KeyStore store;
    private volatile FileTime loadedModified;

    private KeyStoreFileKeys(Path file, char[] passphrase, boolean writable, SecureRandom random, KeyStore store) {
        this.file = file;
        this.passphrase = passphrase;
        this.writable = writable;
        this.random = random;
        this.store = store;
        this.loadedModified = modified(file);
    }

    /**
     * Opens the key store at {@code file}, creating it (empty, owner-only) when it does not exist and {@code writable}.
     *
     * @throws CryptoException {@code WRONG_PASSPHRASE} when the passphrase does not open it, {@code KEY_UNAVAILABLE}
     *                         when it cannot be read or (read-only) does not exist
     */
    public static KeyStoreFileKeys open(Path file, char[] passphrase, boolean writable, SecureRandom random) {
        if (passphrase.length == 0) {
            throw new CryptoException(CryptoException.Reason.WRONG_PASSPHRASE, "the key store " + file + " needs a passphrase; an empty one is refused");
        }
        Path absolute = file.toAbsolutePath().normalize();
        char[] copy = passphrase.clone();
        KeyStore store;
        if (Files.exists(absolute)) {
            store = load(absolute, copy);
        } else if (writable) {
            store = empty();
        } else {
            throw new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "the key store " + absolute + " does not exist");
        }
        KeyStoreFileKeys keys = new KeyStoreFileKeys(absolute, copy, writable, random, store);
        if (!Files.exists(absolute)) {
            keys.write(store);
        }
        return keys;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String location() {
        return file.toString();
    }

    @Override
    public SortedSet<Integer> versions() {
        reloadIfChanged();
        SortedSet<Integer> versions = new TreeSet<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                Matcher m = ALIAS.matcher(alias);
                if (m.matches() && store.isKeyEntry(alias)) {
                    versions.add(Integer.parseInt(m.group(1)));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "the key store " + file + " cannot be listed", e);
        }
        return Collections.unmodifiableSortedSet(versions);
    }

    @Override
    public boolean canManage() {
        return writable;
    }

    @Override
    public int createVersion() {
        requireWritable("create a key version");
        lock.lock();
        try {
            SortedSet<Integer> held = versions();
            int version = held.isEmpty() ? 1 : held.last() + 1;
            KeyStore next = copy(store);
            SecretKey key = Envelope.newDataKey(random);
            next.setEntry(alias(version), new KeyStore.SecretKeyEntry(key), new KeyStore.PasswordProtection(passphrase));
            write(next);
            store = next;
            loadedModified = modified(file);
            return version;
        } catch (GeneralSecurityException e) {
            throw new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "cannot add a key version to " + file, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public byte[] wrap(int version, byte[] dataKey, SealContext context) {
        return Envelope.seal(version, key(version), context, dataKey, random);
    }

    @Override
    public byte[] unwrap(int version, byte[] wrapped, SealContext context) {
        int named = Envelope.keyId(wrapped, context);
        if (named != version) {
            throw new CryptoException(CryptoException.Reason.TAMPERED, context + " was wrapped by key-encryption key version "
                    + named + ", not " + version);
        }
        return Envelope.open(key(version), context, wrapped);
    }

    @Override
    public void destroyVersion(int version) {
        requireWritable("destroy a key version");
        lock.lock();
        try {
            if (!versions().contains(version)) {
                throw new CryptoException(CryptoException.Reason.UNKNOWN_KEY, "the key store " + file + " holds no version " + version);
            }
            KeyStore next = copy(store);
            next.deleteEntry(alias(version));
            write(next);
            store = next;
            loadedModified = modified(file);
        } catch (GeneralSecurityException e) {
            throw new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "cannot remove a key version from " + file, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        Arrays.fill(passphrase, '\0');
    }

    private SecretKey key(int version) {
        if (!versions().contains(version)) {
            throw new CryptoException(CryptoException.Reason.UNKNOWN_KEY, "the key store " + file + " holds no key-encryption key version " + version);
        }
        try {
            KeyStore.Entry entry = store.getEntry(alias(version), new KeyStore.PasswordProtection(passphrase));
            if (entry instanceof KeyStore.SecretKeyEntry secret) {
                return secret.getSecretKey();
            }
            throw new CryptoException(CryptoException.Reason.UNKNOWN_KEY, "the key store " + file + " holds no key-encryption key version " + version);
        } catch (UnrecoverableKeyException e) {
            throw new CryptoException(CryptoException.Reason.WRONG_PASSPHRASE, "the key-encryption key version " + version + " in "
                    + file + " does not open with the key store's passphrase", e);
        } catch (GeneralSecurityException e) {
            throw new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "the key store " + file + " cannot be read", e);
        }
    }

    /**
     * Rereads the file when it changed on disk since it was loaded: another process sharing it (a second server node on
     * a shared volume) or the operator (a mounted secret updated with a new version) added a version.
     */
    private void reloadIfChanged() {
        FileTime now = modified(file);
        if (now != null && !now.equals(loadedModified)) {
            lock.lock();
            try {
                now = modified(file);
                if (now != null && !now.equals(loadedModified)) {
                    store = load(file, passphrase);
                    loadedModified = now;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }

    private void requireWritable(String what) {
        if (!writable) {
            throw new CryptoException(CryptoException.Reason.REFUSED, "the key store " + file + " is read-only here: cannot " + what);
        }
    }

    private static String alias(int version) {
        return "kek-v" + version;
    }

    private static KeyStore load(Path file, char[] passphrase) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(TYPE);
            store.load(in, passphrase);
            return store;
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new CryptoException(CryptoException.Reason.WRONG_PASSPHRASE,
                        "the key store " + file + " does not open with the given passphrase (wrong passphrase, or not this file's)");
            }
            throw new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "the key store " + file + " cannot be read: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "the key store " + file + " is not a PKCS#12 key store", e);
        }
    }

    private static KeyStore empty() {
        try {
            KeyStore store = KeyStore.getInstance(TYPE);
            store.load(null, null);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no PKCS#12 key store", e);
        }
    }

    private KeyStore copy(KeyStore source) throws GeneralSecurityException {
        KeyStore target = empty();
        KeyStore.PasswordProtection protection = new KeyStore.PasswordProtection(passphrase);
        for (String alias : Collections.list(source.aliases())) {
            target.setEntry(alias, source.getEntry(alias, protection), protection);
        }
        return target;
    }

    private void write(KeyStore contents) {
        try {
            Path dir = file.getParent();
            boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
            if (!Files.isDirectory(dir)) {
                if (posix) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dir);
                }
            }
            Path temp = dir.resolve(file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            if (posix) {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(temp);
            }
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC)) {
                contents.store(out, passphrase);
            }
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (FileAlreadyExistsException | NoSuchFileException e) {
            throw new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "cannot write the key store " + file + ": " + e.getMessage(), e);
        } catch (IOException | GeneralSecurityException e) {
            throw new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "cannot write the key store " + file + ": " + e.getMessage(), e);
        }
    }
}

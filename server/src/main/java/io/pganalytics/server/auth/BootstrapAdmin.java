package io.pganalytics.server.auth;

import io.ebean.Database;
import io.ebean.DuplicateKeyException;
import io.ebean.Transaction;
import io.pganalytics.common.auth.Role;
import io.pganalytics.server.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The first admin. When no enabled admin exists, creates {@code admin} with the password from the environment
 * ({@value #PASSWORD_VARIABLE}) or a random one written once to an owner-only file in the data directory, whose
 * path (never the password) is logged. Nodes starting together agree through an advisory lock and the unique
 * index on user names: one creates the admin, the others find it.
 */
final class BootstrapAdmin {
    static final String PASSWORD_VARIABLE = "PGANALYTICS_ADMIN_PASSWORD";
    static final String PASSWORD_FILE = "initial-admin-password";
    static final String USERNAME = "admin";
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int GENERATED_LENGTH = 24;
    private static final Logger LOG = LoggerFactory.getLogger(BootstrapAdmin.class);

    private final Database database;
    private final UserRepository users;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final Clock clock;
    private final SecureRandom random;

    BootstrapAdmin(Database database, PasswordHasher hasher, PasswordPolicy policy, Clock clock, SecureRandom random) {
        this.database = database;
        this.users = new UserRepository(database);
        this.hasher = hasher;
        this.policy = policy;
        this.clock = clock;
        this.random = random;
    }

    /** Creates the first admin if there is none; returns whether this node created it. */
    boolean ensure(Path dataDir, Map<String, String> environment) {
        if (users.countEnabledAdmins() > 0) {
            return false;
        }
        String given = environment.get(PASSWORD_VARIABLE);
        if (given != null && !given.isEmpty()) {
            policy.check(PASSWORD_VARIABLE, given, USERNAME).ifPresent(problem -> {
                throw new ConfigException(PASSWORD_VARIABLE, problem.problem());
            });
        }
        String password = given != null && !given.isEmpty() ? given : generatePassword();
        Path file = dataDir.resolve(PASSWORD_FILE);
        boolean writeFile = given == null || given.isEmpty();
        try (Transaction tx = database.beginTransaction()) {
            users.lockAdmins();
            if (users.countEnabledAdmins() > 0) {
                return false; // another node created it while this one waited
            }
            if (users.findByUsername(USERNAME).isPresent()) {
                LOG.warn("bootstrap: there is no enabled admin, but a user named '{}' exists; not creating one. "
                        + "Enable it or give a user the admin role directly in the database.", USERNAME);
                return false;
            }
            Instant now = clock.instant();
            DUser admin = new DUser();
            admin.setUsername(USERNAME);
            admin.setDisplayName("Administrator");
            admin.setPasswordHash(hasher.hash(password));
            admin.setRoles(new ArrayList<>(RoleNames.toStored(List.of(Role.ADMIN))));
            admin.setCreatedAt(now);
            admin.setUpdatedAt(now);
            users.insert(admin);
            if (writeFile) {
                writeOwnerOnly(file, password);
            }
            try {
                tx.commit();
            } catch (RuntimeException e) {
                deleteQuietly(writeFile ? file : null);
                throw e;
            }
        } catch (DuplicateKeyException e) {
            deleteQuietly(writeFile ? file : null);
            LOG.info("bootstrap: another node created the '{}' user at the same time", USERNAME);
            return false;
        }
        if (writeFile) {
            LOG.warn("bootstrap: created user '{}' with a random password, written to {} (readable by this account only): "
                    + "sign in, change it, then delete the file", USERNAME, file);
        } else {
            LOG.warn("bootstrap: created user '{}' with the password from {}", USERNAME, PASSWORD_VARIABLE);
        }
        return true;
    }

    private String generatePassword() {
        StringBuilder password = new StringBuilder(GENERATED_LENGTH);
        for (int i = 0; i < GENERATED_LENGTH; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }

    /** Writes the file readable by its owner only (where the file system has POSIX permissions), replacing an old one. */
    static void writeOwnerOnly(Path file, String content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(file);
            boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
            Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
            if (posix) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
            } else {
                Files.createFile(file);
            }
            try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
                writer.write(content);
                writer.write(System.lineSeparator());
            }
            if (posix) {
                Files.setPosixFilePermissions(file, ownerOnly);
            }
        } catch (FileAlreadyExistsException e) {
            throw new UncheckedIOException("bootstrap: " + file + " appeared while it was being written", e);
        } catch (IOException e) {
            throw new UncheckedIOException("bootstrap: cannot write the initial admin password to " + file + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("bootstrap: cannot delete {}: {}", file, e.getMessage());
        }
    }
}

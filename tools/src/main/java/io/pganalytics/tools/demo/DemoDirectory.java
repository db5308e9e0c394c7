package io.pganalytics.tools.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;

/**
 * The demo's files, all under one directory (default {@code ~/.pganalytics/demo}) so that a second run reuses the
 * server's data, the collector's identity, the admin password and the demo database, and deleting the directory
 * starts afresh.
 */
record DemoDirectory(Path root) {
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    static Path defaultRoot(Map<String, String> env) {
        return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".pganalytics", "demo");
    }

    Path serverDataDir() {
        return root.resolve("server");
    }

    Path runtimeFile() {
        return serverDataDir().resolve("runtime.json");
    }

    Path certificate() {
        return serverDataDir().resolve("tls").resolve("server.crt");
    }

    /** The embedded PostgreSQL's superuser password, which the server generates owner-only (docs/SERVER.md). */
    Path postgresSuperuserPasswordFile() {
        return serverDataDir().resolve("postgres-superuser-password");
    }

    /** The collector's password for the demo database, written owner-only at each run. */
    Path targetPasswordFile() {
        return root.resolve("collector").resolve("target-password");
    }

    Path adminPasswordFile() {
        return root.resolve("admin-password");
    }

    Path identityFile() {
        return root.resolve("collector").resolve("identity.json");
    }

    Path collectorConfig() {
        return root.resolve("collector").resolve("collector.yaml");
    }

    Path spool() {
        return root.resolve("collector").resolve("spool");
    }

    Path log(String name) {
        return root.resolve("logs").resolve(name + ".log");
    }

    /** Creates the directories and the log files, owner-only where the file system has POSIX permissions. */
    void create() throws IOException {
        for (Path dir : new Path[]{root, root.resolve("collector"), spool(), root.resolve("logs")}) {
            if (!Files.isDirectory(dir)) {
                if (posix()) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dir);
                }
            }
        }
        for (String name : new String[]{"server", "collector", "console"}) {
            Path log = log(name);
            if (posix() && !Files.exists(log)) {
                Files.createFile(log, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
        }
    }

    /** The saved admin password, if a previous run created one. */
    Optional<String> savedAdminPassword() throws IOException {
        Path file = adminPasswordFile();
        return Files.isRegularFile(file) ? Optional.of(Files.readString(file).strip()) : Optional.empty();
    }

    /** A new random admin password, saved owner-only before the server first sees it. */
    String newAdminPassword(SecureRandom random) throws IOException {
        String password = randomPassword(random, 20);
        writeOwnerOnly(adminPasswordFile(), password);
        return password;
    }

    static String randomPassword(SecureRandom random, int length) {
        StringBuilder password = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }

    /** Writes a file readable by its owner only, through a temporary file renamed into place. */
    void writeOwnerOnly(Path file, String content) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        if (posix()) {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(temp);
        }
        Files.writeString(temp, content + System.lineSeparator(), StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private boolean posix() {
        return root.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}

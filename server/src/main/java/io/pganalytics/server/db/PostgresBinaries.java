package io.pganalytics.server.db;

import io.pganalytics.server.files.OwnerOnly;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The PostgreSQL programs the embedded database runs, unpacked from the zonky archive on the class path into
 * {@code <data-dir>/pg-binaries/postgres-<digest>}: owner-only ({@code 0700} directories, {@code 0700} programs,
 * {@code 0600} files), unpacked into a temporary directory and renamed into place once complete. The server runs them
 * under its own account, so it refuses a binaries directory another account could change, and unpacks again an install
 * that is incomplete or was left open to others (zonky's own cache directory, used before, was {@code 0777}).
 */
final class PostgresBinaries {
    private static final String COMPLETE = ".complete";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresBinaries.class);

    private PostgresBinaries() {
    }

    /**
     * Checks {@code root}, unpacks when needed, and returns the install directory (holding {@code bin/}). A root owned
     * by another account is refused; one of ours that others could write (zonky made it {@code 0777}) is closed and
     * emptied first: whatever it holds may have been replaced, so only a fresh unpack from the server's jar is run.
     */
    static Path prepare(Path root) throws IOException {
        if (Files.exists(root, LinkOption.NOFOLLOW_LINKS) && OwnerOnly.posix(root)) {
            if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalStateException("refusing to run PostgreSQL from " + root + ": not a directory");
            }
            try {
                OwnerOnly.requireOwnedByMe(root);
            } catch (IOException e) {
                throw new IllegalStateException("refusing to run PostgreSQL from " + root + ": " + e.getMessage()
                        + ". Another account could replace the programs: delete " + root + " (the server unpacks them again)", e);
            }
            var permissions = Files.getPosixFilePermissions(root, LinkOption.NOFOLLOW_LINKS);
            if (permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
                LOG.warn("embedded PostgreSQL: {} was {} (writable by other accounts): closing it and unpacking the binaries afresh",
                        root, PosixFilePermissions.toString(permissions));
                Files.setPosixFilePermissions(root, OwnerOnly.DIRECTORY);
                try (Stream<Path> children = Files.list(root)) {
                    for (Path child : children.toList()) {
                        deleteTree(child);
                    }
                }
            }
        }
        OwnerOnly.directory(root);
        byte[] archive = archive();
        Path install = root.resolve("postgres-" + digest(archive));
        if (Files.exists(install, LinkOption.NOFOLLOW_LINKS)) {
            List<String> changeable = OwnerOnly.changeableByOthers(install);
            if (!changeable.isEmpty() || !Files.isRegularFile(install.resolve(COMPLETE))) {
                LOG.warn("embedded PostgreSQL: {} is incomplete or was open to other accounts ({}): unpacking it again",
                        install, changeable.isEmpty() ? "no " + COMPLETE + " marker" : changeable.getFirst());
                deleteTree(install);
            }
        }
        if (!Files.exists(install, LinkOption.NOFOLLOW_LINKS)) {
            unpack(archive, root, install);
        }
        List<String> changeable = OwnerOnly.changeableByOthers(install);
        if (!changeable.isEmpty()) {
            throw new IllegalStateException("refusing to run PostgreSQL from " + install + ": " + String.join("; ", changeable));
        }
        return install;
    }

    /** Deletes every other entry of {@code root}: older versions, zonky's {@code PG-*} cache, interrupted unpacks. */
    static void removeOthers(Path root, Path keep) throws IOException {
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : children.toList()) {
                if (!child.equals(keep)) {
                    LOG.info("embedded PostgreSQL: removing {} (not the binaries in use)", child);
                    deleteTree(child);
                }
            }
        }
    }

    static Path program(Path install, String name) {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        return install.resolve("bin").resolve(windows ? name + ".exe" : name);
    }

    private static byte[] archive() throws IOException {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String system = os.startsWith("windows") ? "Windows" : os.startsWith("mac") ? "Darwin" : "Linux";
        String arch = System.getProperty("os.arch", "");
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, "amd64".equals(arch) ? "x86_64" : arch)) {
            if (in == null) {
                throw new IllegalStateException("no embedded PostgreSQL binaries for " + system + " " + arch + " on the class path");
            }
            return in.readAllBytes();
        }
    }

    private static String digest(byte[] archive) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void unpack(byte[] archive, Path root, Path install) throws IOException {
        long started = System.nanoTime();
        Path temp = OwnerOnly.directory(root.resolve(".unpacking-" + UUID.randomUUID()));
        boolean posix = OwnerOnly.posix(temp);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path target = temp.resolve(entry.getName()).normalize();
                if (!target.startsWith(temp)) {
                    throw new IOException("the PostgreSQL archive holds an entry outside its directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    OwnerOnly.directory(target);
                    continue;
                }
                OwnerOnly.directory(target.getParent());
                if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.copy(temp.resolve(entry.getLinkName()).normalize(), target);
                } else if (entry.isFile()) {
                    Files.copy(tar, target);
                    if (posix) {
                        boolean executable = (entry.getMode() & 0100) != 0 || entry.getName().startsWith("bin/")
                                || entry.getName().startsWith("./bin/");
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(executable ? "rwx------" : "rw-------"));
                    }
                } else {
                    throw new IOException("the PostgreSQL archive holds an unsupported entry: " + entry.getName());
                }
            }
            Files.createFile(temp.resolve(COMPLETE));
            OwnerOnly.restrictTree(temp);
            Files.move(temp, install, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(temp)) {
                deleteTree(temp);
            }
        }
        LOG.info("embedded PostgreSQL: binaries unpacked owner-only into {} in {} ms", install, (System.nanoTime() - started) / 1_000_000);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                if (!Files.isSymbolicLink(path) && Files.isDirectory(path) && OwnerOnly.posix(path)) {
                    Files.setPosixFilePermissions(path, OwnerOnly.DIRECTORY);  // zonky's cache may hold read-only dirs
                }
                Files.delete(path);
            }
        }
    }
}

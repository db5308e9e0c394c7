package io.pganalytics.server.files;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.NoSuchFileException;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Owner-only files and directories. On a file system without POSIX permissions (Windows) the data directory's own
 * ACL applies and these only create.
 */
public final class OwnerOnly {
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final Logger LOG = LoggerFactory.getLogger(OwnerOnly.class);

    private OwnerOnly() {
    }

    public static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /**
     * Creates {@code dir} and its missing parents {@code 0700}; an existing one must belong to this process's user and
     * loses any group or other permission (logged).
     */
    public static Path directory(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        if (!posix(absolute)) {
            return Files.createDirectories(absolute);
        }
        if (!Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = absolute.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                directory(parent);
            }
            try {
                Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(DIRECTORY));
                Files.setPosixFilePermissions(absolute, DIRECTORY);  // the umask may have taken bits away, never added
                return absolute;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // created meanwhile: checked below like any existing one
            }
        }
        if (!Files.isDirectory(absolute, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(absolute + " is not a directory");
        }
        requireOwnedByMe(absolute);
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(absolute, LinkOption.NOFOLLOW_LINKS);
        if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
            LOG.warn("{} was open to other accounts ({}): now owner-only", absolute, PosixFilePermissions.toString(permissions));
            Files.setPosixFilePermissions(absolute, DIRECTORY);
        }
        return absolute;
    }

    /** Writes {@code content} to {@code file} owner-only, through a temporary file renamed into place. */
    public static void writeString(Path file, String content) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        if (posix(file)) {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(FILE));
        } else {
            Files.createFile(temp);
        }
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Restricts an existing file to its owner ({@code 0600}), keeping the owner's execute bit. */
    public static void restrict(Path file) throws IOException {
        if (posix(file) && !Files.isSymbolicLink(file)) {
            Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
            if (permissions.removeAll(GROUP_OR_OTHERS)) {
                Files.setPosixFilePermissions(file, permissions);
            }
        }
    }

    /**
     * Takes every group and other permission off everything under {@code root} (symbolic links are not followed). A
     * file that vanishes meanwhile (a running PostgreSQL's temporary file) is skipped.
     */
    public static void restrictTree(Path root) throws IOException {
        if (!posix(root) || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                restrictQuietly(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                restrictQuietly(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void restrictQuietly(Path path) throws IOException {
        try {
            restrict(path);
        } catch (NoSuchFileException e) {
            // removed meanwhile: nothing to restrict
        }
    }

    /**
     * What under {@code root} (itself included) another account could change: an entry writable by group or others,
     * or owned by another user. Empty when the tree is safe to run programs from.
     */
    public static List<String> changeableByOthers(Path root) throws IOException {
        List<String> found = new ArrayList<>();
        if (!posix(root)) {
            return found;
        }
        UserPrincipal me = me();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.toList()) {
                if (Files.isSymbolicLink(path)) {
                    UserPrincipal owner = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS);
                    if (!owner.equals(me)) {
                        found.add(path + " (a link owned by " + owner.getName() + ")");
                    }
                    continue;
                }
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
                UserPrincipal owner = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS);
                if (!owner.equals(me)) {
                    found.add(path + " (owned by " + owner.getName() + ")");
                } else if (permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
                    found.add(path + " (" + PosixFilePermissions.toString(permissions) + ", writable by other accounts)");
                }
            }
        }
        return found;
    }

    /** Fails unless {@code path} belongs to the user this process runs as. */
    public static void requireOwnedByMe(Path path) throws IOException {
        if (!posix(path)) {
            return;
        }
        UserPrincipal owner = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS);
        UserPrincipal me = me();
        if (!owner.equals(me)) {
            throw new IOException(path + " belongs to " + owner.getName() + ", not to " + me.getName()
                    + " who runs the server: give the server a data directory of its own");
        }
    }

    /** The user this process runs as: the owner of {@code /proc/self} on Linux, else the one named by {@code user.name}. */
    private static UserPrincipal me() throws IOException {
        Path self = Path.of("/proc/self");
        if (Files.exists(self)) {
            return Files.getOwner(self);
        }
        return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(System.getProperty("user.name"));
    }
}

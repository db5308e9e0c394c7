package io.pganalytics.collector.spool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files and directories the collector writes hold query texts and credentials: they are created owner-only (0600
 * files, 0700 directories) through creation attributes, never opened to the umask first and closed afterwards. One
 * that already exists with group or world access (an older collector's, a copy) is repaired with a warning.
 * On a file system without POSIX permissions (Windows) the platform's defaults stay.
 */
public final class OwnerOnly {
    private static final Logger LOG = LoggerFactory.getLogger(OwnerOnly.class);
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private OwnerOnly() {
    }

    /** Creates {@code directory} and its missing parents owner-only, or repairs it when it exists; returns it. */
    public static Path directory(Path directory) throws IOException {
        if (!POSIX) {
            return Files.createDirectories(directory);
        }
        if (Files.isDirectory(directory)) {
            repair(directory, DIRECTORY);
            return directory;
        }
        return Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(DIRECTORY));
    }

    /** Opens a channel on {@code file}, creating it owner-only; an existing file is repaired. */
    public static FileChannel open(Path file, OpenOption... options) throws IOException {
        if (!POSIX) {
            return FileChannel.open(file, Set.of(options));
        }
        if (Files.exists(file)) {
            repair(file, FILE);
        }
        return FileChannel.open(file, Set.of(options), fileAttribute());
    }

    /** Writes {@code bytes} to a new file created owner-only (replacing any file of that name). */
    public static void write(Path file, byte[] bytes) throws IOException {
        Files.deleteIfExists(file);
        if (POSIX) {
            Files.createFile(file, fileAttribute());
        }
        Files.write(file, bytes);
    }

    /** Removes group and world access from {@code path} (a file or a directory), with a warning naming it. */
    public static void repair(Path path, Set<PosixFilePermission> wanted) throws IOException {
        if (!POSIX) {
            return;
        }
        Set<PosixFilePermission> current = Files.getPosixFilePermissions(path);
        if (current.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
            LOG.warn("{} was readable or writable by other accounts ({}); made owner-only ({})", path,
                    PosixFilePermissions.toString(current), PosixFilePermissions.toString(wanted));
            Files.setPosixFilePermissions(path, wanted);
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> fileAttribute() {
        return PosixFilePermissions.asFileAttribute(FILE);
    }
}

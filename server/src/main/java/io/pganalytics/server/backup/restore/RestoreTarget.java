package io.pganalytics.server.backup.restore;

import io.pganalytics.server.backup.BackupException;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/** Where a restore goes: a new place only (absent, or an empty directory), never over a database. */
public final class RestoreTarget {
    private RestoreTarget() {
    }

    /**
     * @return the target, absolute
     * @throws BackupException when it exists and is not an empty directory, or is not a directory
     */
    public static Path check(Path target) {
        Path absolute = target.toAbsolutePath().normalize();
        if (!Files.exists(absolute)) {
            return absolute;
        }
        if (!Files.isDirectory(absolute)) {
            throw new BackupException("restore target " + absolute + " is not a directory: a restore goes into a new or empty directory");
        }
        try (Stream<Path> children = Files.list(absolute)) {
            if (children.findAny().isPresent()) {
                throw new BackupException("restore target " + absolute + " is not empty: a restore goes into a new or empty directory,"
                        + " never over existing files");
            }
        } catch (IOException e) {
            throw new BackupException("restore target " + absolute + " cannot be read: " + e.getMessage(), e);
        }
        return absolute;
    }

    /** Removes what a failed restore wrote: the directory itself too when the restore created it. */
    public static void clear(Path target, boolean keepDirectory) {
        try {
            deleteTree(target, keepDirectory);
        } catch (IOException e) {
            throw new BackupException("the failed restore's files in " + target + " could not all be removed: " + e.getMessage(), e);
        }
    }

    /** Deletes {@code root} and everything under it (links are deleted, not followed); nothing when it is absent. */
    public static void deleteTree(Path root, boolean keepRoot) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                if (!(keepRoot && dir.equals(root))) {
                    Files.deleteIfExists(dir);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

package io.pganalytics.console.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The directory the console keeps its settings in: {@code -Dpganalytics.console.home}, else the environment's
 * {@code PGANALYTICS_CONSOLE_HOME}, else {@code ~/.pganalytics/console}. Every file in it is written atomically and
 * readable by its owner only (the directory holds refresh tokens).
 */
public record ConsoleHome(Path dir) {
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    public static ConsoleHome fromEnvironment() {
        String property = System.getProperty("pganalytics.console.home");
        String environment = System.getenv("PGANALYTICS_CONSOLE_HOME");
        if (property != null && !property.isBlank()) {
            return new ConsoleHome(Path.of(property));
        }
        if (environment != null && !environment.isBlank()) {
            return new ConsoleHome(Path.of(environment));
        }
        return new ConsoleHome(Path.of(System.getProperty("user.home"), ".pganalytics", "console"));
    }

    public Path resolve(String name) {
        return dir.resolve(name);
    }

    /** Creates the directory (and {@code sub}) readable by the owner only. */
    public Path ensureDirectory(Path sub) throws IOException {
        Path created = Files.createDirectories(sub);
        restrict(created, OWNER_DIR);
        if (!created.equals(dir)) {
            restrict(Files.createDirectories(dir), OWNER_DIR);
        }
        return created;
    }

    /** Writes {@code content} to {@code file} through a temporary file, owner-only, then moves it in place. */
    public void writeOwnerOnly(Path file, byte[] content) throws IOException {
        ensureDirectory(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        if (supportsPosix(file.getParent())) {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        } else {
            Files.createFile(temp);
        }
        Files.write(temp, content);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (supportsPosix(path)) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }

    private static boolean supportsPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}

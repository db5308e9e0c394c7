package io.pganalytics.collector.register;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.collector.config.ConfigLoader;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.wire.CollectorIdentity;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/** The collector's identity on disk: JSON, readable and writable by its owner only, replaced atomically. */
public final class IdentityFile {
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private IdentityFile() {
    }

    public static Path defaultPath(Map<String, String> env) {
        return ConfigLoader.defaultHome(env).resolve("identity.json");
    }

    public static CollectorIdentity read(Path file) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException("identity file " + file + " does not exist or cannot be read: run 'register' first");
        }
        CollectorIdentity identity;
        try {
            identity = JsonMapping.newMapper().readValue(file.toFile(), CollectorIdentity.class);
        } catch (IOException e) {
            throw new IOException("identity file " + file + " is not a collector identity: " + e.getMessage(), e);
        }
        if (identity.collectorId() == null || identity.credential() == null || identity.credential().isBlank()) {
            throw new IOException("identity file " + file + " lacks a collectorId or credential: run 'register' again");
        }
        return identity;
    }

    /** Writes the identity to a temporary owner-only file beside {@code file}, forces it, then renames it into place. */
    public static void write(Path file, CollectorIdentity identity) throws IOException {
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(directory)) {
            if (posix) {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
            } else {
                Files.createDirectories(directory);
            }
        }
        ObjectMapper mapper = JsonMapping.newMapper();
        byte[] json = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(identity);
        Path temp = directory.resolve(target.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        if (posix) {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        } else {
            Files.createFile(temp);
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(json);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        if (posix) {
            Files.setPosixFilePermissions(target, OWNER_FILE);
        }
    }
}

package io.pganalytics.server.backup;

import io.pganalytics.server.files.OwnerOnly;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * A repository in a directory: owner-only, each object written to a temporary file, flushed to disk, then renamed
 * into place and the directory flushed, so that an object that exists is complete and durable.
 */
public final class FileStore implements BackupStore {
    private static final String TEMP_PREFIX = ".writing-";
    private final Path root;

    public FileStore(Path root) throws IOException {
        this.root = OwnerOnly.directory(root.toAbsolutePath().normalize());
    }

    public Path root() {
        return root;
    }

    @Override
    public String kind() {
        return "file";
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public void write(String name, Content content) throws IOException {
        Path target = path(name);
        Path dir = OwnerOnly.directory(target.getParent());
        Path temp = dir.resolve(TEMP_PREFIX + UUID.randomUUID());
        boolean done = false;
        try {
            try (FileChannel channel = OwnerOnly.posix(dir)
                    ? FileChannel.open(temp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                            PosixFilePermissions.asFileAttribute(OwnerOnly.FILE))
                    : FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(channel);
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
    }

    @Override
    public InputStream read(String name) throws IOException {
        return Files.newInputStream(path(name));
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        List<StoredObject> objects = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return objects;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                String name = root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
                if (name.startsWith(prefix) && !file.getFileName().toString().startsWith(TEMP_PREFIX)) {
                    objects.add(new StoredObject(name, attributes.size(), attributes.lastModifiedTime().toInstant()));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        objects.sort(Comparator.comparing(StoredObject::name));
        return objects;
    }

    @Override
    public boolean exists(String name) {
        return Files.isRegularFile(path(name));
    }

    @Override
    public void delete(String name) throws IOException {
        Path file = path(name);
        Files.deleteIfExists(file);
        // empty directories left by deleted backups go too
        Path dir = file.getParent();
        while (dir != null && !dir.equals(root) && dir.startsWith(root)) {
            try (var children = Files.list(dir)) {
                if (children.findAny().isPresent()) {
                    break;
                }
            } catch (NoSuchFileException e) {
                dir = dir.getParent();
                continue;
            }
            Files.deleteIfExists(dir);
            dir = dir.getParent();
        }
    }

    @Override
    public OptionalLong freeBytes() throws IOException {
        return OptionalLong.of(Files.getFileStore(root).getUsableSpace());
    }

    private Path path(String name) {
        Path path = root.resolve(BackupStore.checkName(name)).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("not a valid backup object name: " + name);
        }
        return path;
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some filesystems (and Windows) cannot open a directory: the rename is as durable as they make it
        }
    }
}

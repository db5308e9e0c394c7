package io.pganalytics.server.db;

import io.pganalytics.server.files.OwnerOnly;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * {@code <data-dir>/postgres.lock}, locked by the server that runs the embedded PostgreSQL for as long as it runs. The
 * operating system releases the lock when that process ends, however it ends, so a PostgreSQL of this data directory
 * found running while the lock is free belongs to a server that died: it may be stopped.
 */
final class DataDirectoryLock implements AutoCloseable {
    static final String NAME = "postgres.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirectoryLock acquire(Path dataDir) throws IOException {
        Path file = dataDir.resolve(NAME);
        if (!Files.exists(file) && OwnerOnly.posix(file)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OwnerOnly.FILE));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another start created it meanwhile: the lock decides
            }
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;  // held by this very JVM
        }
        if (lock == null) {
            String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
            channel.close();
            throw new IllegalStateException("the data directory " + dataDir + " is in use by another running pgAnalytics server"
                    + (holder.isEmpty() ? "" : " (pid " + holder + ")") + ": stop it first, or give this one another data directory");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
        return new DataDirectoryLock(channel, lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the process releases it at exit anyway
        }
    }
}

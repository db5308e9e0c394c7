package io.pganalytics.server.backup.restore;

import io.pganalytics.server.backup.BackupException;
import io.pganalytics.server.files.OwnerOnly;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Unpacks a base backup's tar into a new data directory: directories 0700, files 0600, whatever the archive says;
 * an entry whose path would leave the target (absolute, {@code ..}) or that is a link is refused, naming the object and
 * the entry, so that a tampered archive cannot write outside the restore.
 */
public final class TarUnpacker {
    private final String object;
    private final Path target;
    private long files;
    private long bytes;

    /** @param object the repository object the tar comes from, for messages */
    public TarUnpacker(String object, Path target) {
        this.object = object;
        this.target = target.toAbsolutePath().normalize();
    }

    /** Unpacks every entry of {@code tar}; does not close it. */
    public void unpack(InputStream tar) throws IOException {
        TarArchiveInputStream entries = new TarArchiveInputStream(new NotClosing(tar));
        TarArchiveEntry entry;
        while ((entry = entries.getNextEntry()) != null) {
            Path path = inside(entry.getName());
            if (entry.isDirectory()) {
                OwnerOnly.directory(path);
            } else if (entry.isFile()) {
                OwnerOnly.directory(path.getParent());
                write(entries, path);
                files++;
            } else {
                throw new BackupException(object + ": entry " + entry.getName() + " is a link or special file, which a restore does not create");
            }
        }
        // the rest of the stream (the tar's zero blocks) is read by the caller, whose checksum covers every byte
    }

    public long files() {
        return files;
    }

    /** Bytes of file content written. */
    public long bytes() {
        return bytes;
    }

    private Path inside(String name) {
        Path relative = Path.of(name).normalize();
        Path path = target.resolve(relative).normalize();
        if (name.isBlank() || relative.isAbsolute() || !path.startsWith(target) || relative.startsWith("..")) {
            throw new BackupException(object + ": entry " + name + " points outside the restore target (refused)");
        }
        return path;
    }

    private void write(InputStream in, Path path) throws IOException {
        if (OwnerOnly.posix(target)) {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(OwnerOnly.FILE));
        } else {
            Files.createFile(path);
        }
        try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.WRITE)) {
            bytes += in.transferTo(out);
        }
    }

    /** Keeps the tar reader from closing the decrypting stream under it. */
    private static final class NotClosing extends java.io.FilterInputStream {
        NotClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }
}

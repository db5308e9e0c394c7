package io.pganalytics.server.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * A backup repository's objects: a directory ({@link FileStore}) or an S3-compatible bucket. Names are relative,
 * {@code /}-separated ({@code backups/20261207T010000Z/base.tar.pgab}, {@code wal/000000010000000000000003.pgab}).
 * An object is written whole or not at all: a reader never sees part of one, and a failed write (a full disk) leaves
 * nothing behind.
 */
public interface BackupStore {
    /** What a name may hold: no absolute paths, no {@code ..}, nothing a shell or a URL would read differently. */
    Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9][A-Za-z0-9._-]{0,127}){0,7}");

    /** Writes one object's content. */
    @FunctionalInterface
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** One object as listed. */
    record StoredObject(String name, long size, Instant modified) {
    }

    /** {@code file} or {@code s3}. */
    String kind();

    /** Where it is, without credentials, for status and messages. */
    String location();

    /** Writes {@code name} atomically: visible only once complete; on any failure nothing is left under that name. */
    void write(String name, Content content) throws IOException;

    /** @throws java.nio.file.NoSuchFileException when there is no such object */
    InputStream read(String name) throws IOException;

    /** The objects whose names start with {@code prefix}, sorted by name. */
    List<StoredObject> list(String prefix) throws IOException;

    boolean exists(String name) throws IOException;

    /** Deletes {@code name}; nothing happens when it is not there. */
    void delete(String name) throws IOException;

    /** Bytes left on the store's filesystem; empty for an object store. */
    OptionalLong freeBytes() throws IOException;

    /** Copies one object of {@code from} here under the same name, atomically. */
    default void copyFrom(BackupStore from, String name) throws IOException {
        write(name, out -> {
            try (InputStream in = from.read(name)) {
                in.transferTo(out);
            }
        });
    }

    static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("not a valid backup object name: " + name);
        }
        return name;
    }
}

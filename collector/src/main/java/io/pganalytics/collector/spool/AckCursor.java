package io.pganalytics.collector.spool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The spool's acknowledgement cursor on disk: the highest delivered sequence (8 bytes) and its CRC32C (4 bytes),
 * replaced atomically (temporary file, fsync, rename, directory fsync), so a crash leaves the old or the new
 * value, never a mix.
 */
final class AckCursor {
    private static final Logger LOG = LoggerFactory.getLogger(AckCursor.class);
    private static final String FILE = "ack-cursor";
    private static final String TEMP = "ack-cursor.tmp";

    private final Path directory;

    AckCursor(Path directory) {
        this.directory = directory;
    }

    /** The stored sequence, or 0 when there is none or it is unreadable (then batches may be sent again). */
    long read() throws IOException {
        Files.deleteIfExists(directory.resolve(TEMP));
        Path cursor = directory.resolve(FILE);
        if (!Files.exists(cursor)) {
            return 0;
        }
        OwnerOnly.repair(cursor, OwnerOnly.FILE);
        byte[] bytes = Files.readAllBytes(cursor);
        if (bytes.length == 12) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long sequence = buffer.getLong();
            if ((int) crc(bytes) == buffer.getInt() && sequence >= 0) {
                return sequence;
            }
        }
        LOG.warn("spool {}: unreadable acknowledgement cursor; unsent batches may be sent again (the server drops duplicates)",
                directory);
        return 0;
    }

    void write(long sequence) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(12).putLong(sequence);
        buffer.putInt((int) crc(buffer.array())).flip();
        Path temp = directory.resolve(TEMP);
        try (FileChannel channel = OwnerOnly.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Path target = directory.resolve(FILE);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(directory);
    }

    /** Makes a created, renamed or deleted file's directory entry durable, where the platform allows it. */
    static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.trace("spool {}: directory sync not supported: {}", directory, e.toString());
        }
    }

    private static long crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 8);
        return crc.getValue();
    }
}

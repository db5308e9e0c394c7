package io.pganalytics.collector.spool;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The layout of one spool record:
 * <pre>
 *   int   magic            'PGA1'
 *   int   body length      bytes that follow the 12-byte header
 *   int   CRC32C           of the body
 *   body: byte  format version (1)
 *         byte  payload codec id
 *         long  sequence
 *         long  created at, epoch milliseconds
 *         short target key length, then its UTF-8 bytes
 *         short batch id length, then its UTF-8 bytes
 *         the stored payload (the rest of the body)
 * </pre>
 * A record whose magic, length or checksum does not hold is corrupt: at the tail of the newest segment this is
 * the torn write of a crash, and it is discarded.
 */
final class RecordFormat {
    static final int MAGIC = 0x50474131;
    static final int HEADER_BYTES = 12;
    static final int MAX_BODY_BYTES = 256 * 1024 * 1024;
    private static final byte VERSION = 1;
    private static final int FIXED_BODY_BYTES = 1 + 1 + 8 + 8 + 2 + 2;

    private RecordFormat() {
    }

    /** A record as read from a segment. */
    record Entry(long sequence, long createdAtMillis, String targetKey, String batchId, byte codecId,
                 byte[] storedPayload, int recordBytes) {
    }

    /** The record at an offset does not hold together. */
    static final class CorruptRecordException extends Exception {
        CorruptRecordException(String message) {
            super(message);
        }
    }

    static ByteBuffer encode(long sequence, long createdAtMillis, String targetKey, String batchId, byte codecId,
                             byte[] storedPayload) {
        byte[] key = shortString(targetKey, "target key");
        byte[] id = shortString(batchId, "batch id");
        int bodyLength = FIXED_BODY_BYTES + key.length + id.length + storedPayload.length;
        if (bodyLength > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("spool record of " + bodyLength + " bytes exceeds " + MAX_BODY_BYTES);
        }
        ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + bodyLength);
        buffer.putInt(MAGIC).putInt(bodyLength).putInt(0);
        buffer.put(VERSION).put(codecId).putLong(sequence).putLong(createdAtMillis);
        buffer.putShort((short) key.length).put(key);
        buffer.putShort((short) id.length).put(id);
        buffer.put(storedPayload);
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), HEADER_BYTES, bodyLength);
        buffer.putInt(8, (int) crc.getValue());
        return buffer.flip();
    }

    /**
     * Reads the record that starts at {@code offset}, checking it fully.
     *
     * @param limit the end of the valid part of the file
     */
    static Entry read(FileChannel channel, long offset, long limit) throws IOException, CorruptRecordException {
        if (limit - offset < HEADER_BYTES) {
            throw new CorruptRecordException("only " + (limit - offset) + " bytes left for a record header");
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        readFully(channel, header, offset);
        header.flip();
        int magic = header.getInt();
        int bodyLength = header.getInt();
        int expectedCrc = header.getInt();
        if (magic != MAGIC) {
            throw new CorruptRecordException("bad magic " + Integer.toHexString(magic));
        }
        if (bodyLength < FIXED_BODY_BYTES || bodyLength > MAX_BODY_BYTES) {
            throw new CorruptRecordException("bad body length " + bodyLength);
        }
        if (limit - offset - HEADER_BYTES < bodyLength) {
            throw new CorruptRecordException("body of " + bodyLength + " bytes runs past the end of the segment");
        }
        ByteBuffer body = ByteBuffer.allocate(bodyLength);
        readFully(channel, body, offset + HEADER_BYTES);
        CRC32C crc = new CRC32C();
        crc.update(body.array(), 0, bodyLength);
        if ((int) crc.getValue() != expectedCrc) {
            throw new CorruptRecordException("checksum mismatch");
        }
        body.flip();
        return parseBody(body, bodyLength);
    }

    private static Entry parseBody(ByteBuffer body, int bodyLength) throws CorruptRecordException {
        try {
            byte version = body.get();
            if (version != VERSION) {
                throw new CorruptRecordException("unknown record version " + version);
            }
            byte codecId = body.get();
            long sequence = body.getLong();
            long createdAt = body.getLong();
            String key = readShortString(body);
            String id = readShortString(body);
            byte[] payload = new byte[body.remaining()];
            body.get(payload);
            return new Entry(sequence, createdAt, key, id, codecId, payload, HEADER_BYTES + bodyLength);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new CorruptRecordException("malformed body: " + e);
        }
    }

    private static String readShortString(ByteBuffer body) {
        int length = Short.toUnsignedInt(body.getShort());
        if (length > body.remaining()) {
            throw new IllegalArgumentException("string of " + length + " bytes runs past the body");
        }
        byte[] bytes = new byte[length];
        body.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] shortString(String value, String what) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) {
            throw new IllegalArgumentException(what + " is longer than 65535 bytes");
        }
        return bytes;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new EOFException("end of segment at " + at);
            }
            at += read;
        }
    }
}

package io.pganalytics.analytics.anomaly;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.CRC32;
import java.util.zip.Inflater;

/**
 * The compact form of a detector's state, for the thousands of snapshots a server keeps: scalars first, then every
 * float of the state written as four byte planes (all first bytes, then all second bytes...), the whole deflated.
 * Floats of one series share their sign, exponent and leading mantissa bits, so the planes compress well (counts and
 * near-constant series to almost nothing), and the form is lossless: a restored detector holds the very same values.
 * A CRC-32 of the body refuses a damaged state rather than restoring a wrong one.
 */
final class CompactState {
    /** Refuse to inflate beyond this: no detector's state comes near it, so a larger one is not a snapshot. */
    private static final int MAX_BODY = 4 << 20;

    private CompactState() {
    }

    /** Collects scalars and floats of a state, then {@link #finish}es them into the compact bytes. */
    static final class Writer {
        private final ByteArrayOutputStream scalarBytes = new ByteArrayOutputStream(256);
        final DataOutputStream scalars = new DataOutputStream(scalarBytes);
        private float[] floats = new float[1024];
        private int count;

        void add(float value) {
            if (count == floats.length) {
                floats = Arrays.copyOf(floats, count * 2);
            }
            floats[count++] = value;
        }

        /** Appends the deflated body (float count, float planes, scalars) to {@code out}. */
        void finish(DataOutputStream out) throws IOException {
            scalars.flush();
            byte[] tail = scalarBytes.toByteArray();
            byte[] body = new byte[4 + 4 * count + tail.length];
            body[0] = (byte) (count >>> 24);
            body[1] = (byte) (count >>> 16);
            body[2] = (byte) (count >>> 8);
            body[3] = (byte) count;
            for (int i = 0; i < count; i++) {
                int bits = Float.floatToRawIntBits(floats[i]);
                for (int b = 0; b < 4; b++) {
                    body[4 + b * count + i] = (byte) (bits >>> (24 - 8 * b));
                }
            }
            System.arraycopy(tail, 0, body, 4 + 4 * count, tail.length);
            Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
            try {
                deflater.setInput(body);
                deflater.finish();
                byte[] buffer = new byte[Math.max(64, body.length / 2)];
                CRC32 crc = new CRC32();
                crc.update(body);
                out.writeInt(body.length);
                out.writeInt((int) crc.getValue());
                while (!deflater.finished()) {
                    int n = deflater.deflate(buffer);
                    out.write(buffer, 0, n);
                }
            } finally {
                deflater.end();
            }
        }
    }

    /**
     * Reads what a {@link Writer} wrote: the scalars through {@link #scalars} and the floats through {@link #next()},
     * each in the order they were written (the two may interleave, as they did when written).
     */
    static final class Reader {
        final DataInputStream scalars;
        private final float[] floats;
        private int next;

        Reader(DataInputStream in) throws IOException {
            int length = in.readInt();
            if (length < 4 || length > MAX_BODY) {
                throw new IOException("state body of " + length + " bytes is out of range");
            }
            int expected = in.readInt();
            byte[] body = inflate(in, length);
            CRC32 crc = new CRC32();
            crc.update(body);
            if ((int) crc.getValue() != expected) {
                throw new IOException("state body fails its checksum: damaged");
            }
            int count = (body[0] & 0xff) << 24 | (body[1] & 0xff) << 16 | (body[2] & 0xff) << 8 | (body[3] & 0xff);
            if (count < 0 || 4L + 4L * count > length) {
                throw new IOException("state of " + count + " floats does not fit its " + length + " bytes");
            }
            floats = new float[count];
            for (int i = 0; i < count; i++) {
                int bits = 0;
                for (int b = 0; b < 4; b++) {
                    bits |= (body[4 + b * count + i] & 0xff) << (24 - 8 * b);
                }
                floats[i] = Float.intBitsToFloat(bits);
            }
            int from = 4 + 4 * count;
            scalars = new DataInputStream(new ByteArrayInputStream(body, from, length - from));
        }

        float next() throws IOException {
            if (next >= floats.length) {
                throw new IOException("state holds only " + floats.length + " floats");
            }
            return floats[next++];
        }

        /** Checks that everything was read: a state that holds more than its detector reads is not its state. */
        void end() throws IOException {
            if (next != floats.length || scalars.available() != 0) {
                throw new IOException("state holds " + floats.length + " floats and more scalars than its detector reads");
            }
        }

        private static byte[] inflate(InputStream in, int length) throws IOException {
            byte[] compressed = in.readAllBytes();
            Inflater inflater = new Inflater(true);
            try {
                inflater.setInput(compressed);
                byte[] body = new byte[length];
                int n = 0;
                while (n < length) {
                    int got = inflater.inflate(body, n, length - n);
                    if (got == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                        break;
                    }
                    n += got;
                }
                if (n != length) {
                    throw new IOException("state body holds " + n + " of " + length + " bytes");
                }
                return body;
            } catch (DataFormatException e) {
                throw new IOException("state body is not deflated data: " + e.getMessage(), e);
            } finally {
                inflater.end();
            }
        }
    }
}

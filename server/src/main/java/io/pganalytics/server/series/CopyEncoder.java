package io.pganalytics.server.series;

import java.time.Instant;

/**
 * Encodes rows in PostgreSQL's COPY text format: tab-separated, {@code \N} for null, backslash escapes for
 * backslash, tab, newline and carriage return. Values arrive already validated (finite numbers, parseable instants).
 * Rows are kept as UTF-8 with the offset where each starts, so that a column known only later (the instance id)
 * can be put in front of every row when the COPY is sent ({@link #withPrefix(String)}).
 */
public final class CopyEncoder {
    private final StringBuilder out = new StringBuilder(1024);
    private boolean lineStart = true;
    private byte[] encoded;
    private int[] rowStarts = new int[16];
    private int rows;
    private int[] charStarts = new int[16];

    public CopyEncoder nullValue() {
        separator();
        out.append("\\N");
        return this;
    }

    public CopyEncoder value(long value) {
        separator();
        out.append(value);
        return this;
    }

    public CopyEncoder value(double value) {
        separator();
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(value);
        }
        return this;
    }

    public CopyEncoder value(boolean value) {
        separator();
        out.append(value ? 't' : 'f');
        return this;
    }

    public CopyEncoder value(Instant value) {
        separator();
        out.append(value.toString());
        return this;
    }

    public CopyEncoder text(String value) {
        separator();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\0' -> { } // PostgreSQL text cannot hold NUL; the validator refuses it, this is a last guard
                default -> out.append(c);
            }
        }
        return this;
    }

    /**
     * Appends fields that are already in COPY text form, such as {@link #encodedText()} of another encoder: values
     * shared by many rows (a snapshot's collection time and interval) are encoded once, not once per row.
     */
    public CopyEncoder encoded(String fields) {
        separator();
        out.append(fields);
        return this;
    }

    /** What was encoded so far, as text (for {@link #encoded}). */
    public String encodedText() {
        return out.toString();
    }

    public void endRow() {
        out.append('\n');
        lineStart = true;
    }

    /** Marks the start of a row; every row begins with this call. */
    public CopyEncoder startRow() {
        if (rows == charStarts.length) {
            charStarts = java.util.Arrays.copyOf(charStarts, rows * 2);
        }
        charStarts[rows++] = out.length();
        encoded = null;
        return this;
    }

    public int rows() {
        return rows;
    }

    public boolean isEmpty() {
        return rows == 0;
    }

    /** The rows as UTF-8, each prefixed with {@code prefix} and a tab. */
    public byte[] withPrefix(String prefix) {
        byte[] body = bytes();
        byte[] head = (prefix + "\t").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] result = new byte[body.length + rows * head.length];
        int written = 0;
        for (int r = 0; r < rows; r++) {
            int start = rowStarts[r];
            int end = r + 1 < rows ? rowStarts[r + 1] : body.length;
            System.arraycopy(head, 0, result, written, head.length);
            written += head.length;
            System.arraycopy(body, start, result, written, end - start);
            written += end - start;
        }
        return result;
    }

    /** The rows as UTF-8, as they are. */
    public byte[] bytes() {
        if (encoded == null) {
            String text = out.toString();
            encoded = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            rowStarts = new int[rows];
            // Byte offsets of row starts: the char offsets for ASCII; otherwise each row is encoded on its own.
            if (encoded.length == text.length()) {
                System.arraycopy(charStarts, 0, rowStarts, 0, rows);
            } else {
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(encoded.length);
                for (int r = 0; r < rows; r++) {
                    int end = r + 1 < rows ? charStarts[r + 1] : text.length();
                    rowStarts[r] = bytes.size();
                    bytes.writeBytes(text.substring(charStarts[r], end).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                encoded = bytes.toByteArray();
            }
        }
        return encoded;
    }

    private void separator() {
        if (!lineStart) {
            out.append('\t');
        }
        lineStart = false;
    }
}

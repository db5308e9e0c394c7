package io.pganalytics.tools.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * PostgreSQL's COPY text format for the bench's own loads: tab-separated, {@code \N} for NULL, backslash escapes,
 * as the server's CopyEncoder writes it (the collector cannot reach the server's classes).
 */
final class CopyText {
    private final StringBuilder text = new StringBuilder(64 * 1024);
    private int rows;

    void row(List<?> values) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                text.append('\t');
            }
            append(values.get(i));
        }
        text.append('\n');
        rows++;
    }

    private void append(Object value) {
        if (value == null) {
            text.append("\\N");
            return;
        }
        String s = value.toString();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> text.append("\\\\");
                case '\t' -> text.append("\\t");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                default -> text.append(ch);
            }
        }
    }

    int rows() {
        return rows;
    }

    boolean isEmpty() {
        return rows == 0;
    }

    byte[] bytes() {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    void clear() {
        text.setLength(0);
        rows = 0;
    }
}

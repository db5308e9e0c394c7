package io.pganalytics.server.audit;

/**
 * How text is bounded and cleaned before it goes into a record: control characters and unpaired surrogates become
 * U+FFFD (so that an export line, a syslog frame or a CSV cell cannot be split or forged by what a client sent), and
 * text longer than its limit is cut, saying how much was cut.
 */
public final class AuditText {
    /** User agents, names, addresses, resource ids. */
    public static final int SHORT = 256;
    /** Actions (method and route), error types. */
    public static final int ACTION = 512;
    /** The whole JSON of a record's details, or of its personal fields. */
    public static final int DETAILS_BYTES = 32 * 1024;

    private AuditText() {
    }

    public static String clean(String value, int maxChars) {
        if (value == null) {
            return null;
        }
        int length = Math.min(value.length(), maxChars);
        StringBuilder out = null;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            boolean bad = Character.isISOControl(c)
                    || (Character.isHighSurrogate(c) && (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))))
                    || (Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(value.charAt(i - 1))));
            if (bad && out == null) {
                out = new StringBuilder(length + 32).append(value, 0, i);
            }
            if (out != null) {
                out.append(bad ? '\uFFFD' : c);
            }
        }
        String cleaned = out == null ? value.substring(0, length) : out.toString();
        if (length < value.length()) {
            // never end on half a surrogate pair
            if (Character.isHighSurrogate(cleaned.charAt(cleaned.length() - 1))) {
                cleaned = cleaned.substring(0, cleaned.length() - 1);
            }
            cleaned += "...[" + (value.length() - cleaned.length()) + " more characters cut]";
        }
        return cleaned;
    }
}

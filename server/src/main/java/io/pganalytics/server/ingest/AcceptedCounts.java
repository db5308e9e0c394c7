package io.pganalytics.server.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-family row counts of an acknowledgement, in the compact form the idempotency records keep
 * ({@code database=12,statements=101}): family names are identifiers, so no escaping is needed.
 */
final class AcceptedCounts {
    private AcceptedCounts() {
    }

    static String format(Map<String, Integer> counts) {
        StringBuilder out = new StringBuilder();
        counts.forEach((family, rows) -> {
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(family).append('=').append(rows);
        });
        return out.toString();
    }

    static Map<String, Integer> parse(String text) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return counts;
        }
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                counts.put(pair.substring(0, eq), Integer.parseInt(pair.substring(eq + 1)));
            }
        }
        return counts;
    }
}

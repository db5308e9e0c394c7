package io.pganalytics.server.alerting.api;

import io.helidon.webserver.http.ServerRequest;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.RequestParameters;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The filters of an alert, incident or notification list, checked (a bad one is a 400 naming it): a range
 * {@code [from, to)} a row overlaps, chosen values of a few columns, a page size and a keyset cursor (the time and id of
 * the previous page's last row, newest first).
 */
final class ListFilter {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;

    /** A position in a list: the sort time (microseconds) and the id of the last row of a page. */
    record Cursor(long atMicros, long id) {
        String encode() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString((atMicros + ":" + id).getBytes(StandardCharsets.US_ASCII));
        }

        static Cursor of(Instant at, long id) {
            return new Cursor(micros(at), id);
        }

        Instant at() {
            return Instant.ofEpochSecond(Math.floorDiv(atMicros, 1_000_000L), Math.floorMod(atMicros, 1_000_000L) * 1000);
        }

        static Cursor decode(String text) {
            try {
                String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
                int colon = plain.indexOf(':');
                if (colon > 0) {
                    long id = Long.parseLong(plain.substring(colon + 1));
                    if (id > 0) {
                        return new Cursor(Long.parseLong(plain.substring(0, colon)), id);
                    }
                }
            } catch (IllegalArgumentException e) {
                // reported below (NumberFormatException is one)
            }
            throw ApiException.invalid("cursor", "is not a cursor of this list: pass the 'next' of the previous page as it was");
        }
    }

    private final List<String> clauses = new ArrayList<>();
    private final List<Object> values = new ArrayList<>();
    private final ServerRequest request;
    private final int limit;
    private final Cursor cursor;

    ListFilter(ServerRequest request) {
        this.request = request;
        this.limit = RequestParameters.intParameter(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        this.cursor = RequestParameters.text(request, "cursor").map(Cursor::decode).orElse(null);
        clauses.add("TRUE");
    }

    int limit() {
        return limit;
    }

    /** {@code column = ANY(chosen)} for a comma-separated parameter of allowed values. */
    ListFilter choices(String name, String column, List<String> allowed) {
        Optional<String> text = RequestParameters.text(request, name);
        if (text.isPresent()) {
            Set<String> chosen = new LinkedHashSet<>();
            for (String part : text.get().split(",", -1)) {
                String value = part.trim();
                if (!allowed.contains(value)) {
                    throw ApiException.invalid(name, "must be one of " + allowed + " (or several, comma-separated), was '"
                            + RequestParameters.abbreviate(value) + "'");
                }
                chosen.add(value);
            }
            clauses.add(column + " = ANY (?)");
            values.add(chosen.toArray(String[]::new));
        }
        return this;
    }

    /** {@code column = id} for a parameter holding a positive id. */
    ListFilter id(String name, String column) {
        RequestParameters.text(request, name).ifPresent(text -> {
            clauses.add(column + " = ?");
            values.add(positive(name, text));
        });
        return this;
    }

    /** Rows overlapping {@code [from, to)}: started before {@code to}, and not ended, or ended at or after {@code from}. */
    ListFilter range(String startColumn, String endColumn) {
        Instant from = RequestParameters.text(request, "from").map(text -> instant("from", text)).orElse(null);
        Instant to = RequestParameters.text(request, "to").map(text -> instant("to", text)).orElse(null);
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiException.invalid("from", "must be before to (" + to + "), was " + from);
        }
        if (to != null) {
            clauses.add(startColumn + " < ?");
            values.add(to);
        }
        if (from != null) {
            clauses.add(endColumn == null ? startColumn + " >= ?" : "(" + endColumn + " IS NULL OR " + endColumn + " >= ?)");
            values.add(from);
        }
        return this;
    }

    /** The WHERE clause with the cursor on {@code (sortColumn, idColumn)}; its values are added to {@code into}. */
    String where(String sortColumn, String idColumn, List<Object> into) {
        List<String> all = new ArrayList<>(clauses);
        into.addAll(values);
        if (cursor != null) {
            all.add("(" + sortColumn + ", " + idColumn + ") < (?, ?)");
            into.add(cursor.at());
            into.add(cursor.id());
        }
        return String.join(" AND ", all);
    }

    static long positive(String field, String text) {
        return RequestParameters.positive(field, text);
    }

    static Instant instant(String field, String text) {
        return RequestParameters.instant(field, text);
    }

    static long micros(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1000);
    }
}

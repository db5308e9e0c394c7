package io.pganalytics.server.anomaly.api;

import io.helidon.webserver.http.ServerRequest;
import io.pganalytics.common.anomaly.AnomalyView;
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
import java.util.regex.Pattern;

/**
 * The filters of an anomaly list, checked: a bad one is a 400 naming it. An anomaly matches {@code from}/{@code to} when
 * it overlaps {@code [from, to)} (an open one lasts to now).
 *
 * @param instanceId the instance; null for the fleet
 * @param severities {@code warning}/{@code critical}; empty for both
 * @param states     {@code open}/{@code closed}; empty for both
 * @param series     one detection series; null for all
 * @param from       the range's start; null for unbounded
 * @param to         the range's end (exclusive); null for unbounded
 * @param limit      the page's size, 1..500
 * @param cursor     where the page starts (the previous page's last anomaly); null for the newest
 */
record AnomalyFilter(Long instanceId, Set<String> severities, Set<String> states, String series, Instant from, Instant to,
                     int limit, Cursor cursor) {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;
    static final int MAX_SERIES = 200;
    /** A detection series: {@code tps}, {@code statement_latency_ms:-4857493993821374312}, {@code wait_backends:LWLock}. */
    static final Pattern SERIES = Pattern.compile("[A-Za-z0-9_.:-]{1," + MAX_SERIES + "}");

    /** A position in the list: the {@code started_at} (in microseconds) and id of the last anomaly of a page. */
    record Cursor(long startedAtMicros, long id) {
        String encode() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString((startedAtMicros + ":" + id).getBytes(StandardCharsets.US_ASCII));
        }

        static Cursor of(AnomalyView last) {
            return new Cursor(micros(last.startedAt()), last.id());
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

    /** The filters of a request; {@code instanceId} from the path, or null to read the {@code instance} parameter. */
    static AnomalyFilter of(ServerRequest request, Long instanceId) {
        Long instance = instanceId != null ? instanceId
                : RequestParameters.text(request, "instance").map(text -> positive("instance", text)).orElse(null);
        Set<String> severities = choices(request, "severity", List.of(AnomalyView.WARNING, AnomalyView.CRITICAL));
        Set<String> states = choices(request, "state", List.of(AnomalyView.OPEN, AnomalyView.CLOSED));
        String series = RequestParameters.text(request, "series").map(AnomalyFilter::series).orElse(null);
        Instant from = RequestParameters.text(request, "from").map(text -> instant("from", text)).orElse(null);
        Instant to = RequestParameters.text(request, "to").map(text -> instant("to", text)).orElse(null);
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiException.invalid("from", "must be before to (" + to + "), was " + from);
        }
        int limit = RequestParameters.intParameter(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        Cursor cursor = RequestParameters.text(request, "cursor").map(Cursor::decode).orElse(null);
        return new AnomalyFilter(instance, severities, states, series, from, to, limit, cursor);
    }

    static String series(String text) {
        if (!SERIES.matcher(text).matches()) {
            throw ApiException.invalid("series", "must be a detection series name of 1 to " + MAX_SERIES
                    + " letters, digits and _ . : - (see GET /api/v1/anomalies/series), was '" + RequestParameters.abbreviate(text) + "'");
        }
        return text;
    }

    static long positive(String field, String text) {
        return RequestParameters.positive(field, text);
    }

    static Instant instant(String field, String text) {
        return RequestParameters.instant(field, text);
    }

    /** A comma-separated list of allowed values, each at most once. */
    private static Set<String> choices(ServerRequest request, String name, List<String> allowed) {
        Optional<String> text = RequestParameters.text(request, name);
        if (text.isEmpty()) {
            return Set.of();
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (String part : text.get().split(",", -1)) {
            String value = part.trim();
            if (!allowed.contains(value)) {
                throw ApiException.invalid(name, "must be one of " + allowed + " (or several, comma-separated), was '"
                        + RequestParameters.abbreviate(value) + "'");
            }
            chosen.add(value);
        }
        return Set.copyOf(chosen);
    }

    static long micros(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1000);
    }

    static Instant ofMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }

    /** The WHERE clause (after {@code WHERE}) and its values, in order. */
    String where(List<Object> values) {
        List<String> clauses = new ArrayList<>();
        clauses.add("TRUE");
        if (instanceId != null) {
            clauses.add("a.instance_id = ?");
            values.add(instanceId);
        }
        if (!severities.isEmpty()) {
            clauses.add("a.severity = ANY (?)");
            values.add(severities.toArray(String[]::new));
        }
        if (!states.isEmpty()) {
            clauses.add("a.state = ANY (?)");
            values.add(states.toArray(String[]::new));
        }
        if (series != null) {
            clauses.add("a.series = ?");
            values.add(series);
        }
        if (to != null) {
            clauses.add("a.started_at < ?");
            values.add(to);
        }
        if (from != null) {
            clauses.add("(a.ended_at IS NULL OR a.ended_at >= ?)");
            values.add(from);
        }
        if (cursor != null) {
            clauses.add("(a.started_at, a.id) < (?, ?)");
            values.add(ofMicros(cursor.startedAtMicros()));
            values.add(cursor.id());
        }
        return String.join(" AND ", clauses);
    }
}

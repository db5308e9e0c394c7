package io.pganalytics.server.audit;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.server.audit.forwarding.AuditForwarding;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.http.RequestParameters;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/** {@code GET /audit/export} (auditors: a download of a range) and {@code GET /audit/forwarding} (admins: lag per destination). */
final class AuditExportRoutes implements ApiService {
    private final AuditExports exports;
    private final Supplier<AuditForwarding> forwarding;
    private final JsonBodies bodies;

    AuditExportRoutes(AuditExports exports, Supplier<AuditForwarding> forwarding, JsonBodies bodies) {
        this.exports = exports;
        this.forwarding = forwarding;
        this.bodies = bodies;
    }

    @Override
    public void register(ApiRules rules) {
        rules.get("/audit/export", Access.AUDITOR, this::export)
                .get("/audit/forwarding", Access.ADMIN, this::forwarding);
    }

    private void export(ServerRequest request, ServerResponse response) {
        AuditExports.Format format = format(request);
        Optional<Instant> from = AuditSearchRoutes.instant(request, "from");
        Optional<Instant> to = AuditSearchRoutes.instant(request, "to");
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw ApiException.invalid("to", "must be after from (" + from.get() + "), was " + to.get());
        }
        Optional<Long> fromSeq = AuditSearchRoutes.seq(request, "fromSeq");
        Optional<Long> toSeq = AuditSearchRoutes.seq(request, "toSeq");
        if (fromSeq.isPresent() && toSeq.isPresent() && fromSeq.get() > toSeq.get()) {
            throw ApiException.invalid("toSeq", "must be at least fromSeq (" + fromSeq.get() + "), was " + toSeq.get());
        }
        AuditExports.Range range = new AuditExports.Range(from, to, fromSeq, toSeq);
        exports.check(range);
        response.header(HeaderNames.CONTENT_TYPE, format.mediaType);
        response.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"pganalytics-audit." + format.extension + "\"");
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        try (OutputStream out = response.outputStream()) {
            exports.write(range, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException("sending an audit export", e);
        }
    }

    private void forwarding(ServerRequest request, ServerResponse response) {
        AuditForwarding current = forwarding.get();
        bodies.ok(response, current == null ? List.of() : current.status());
    }

    private static AuditExports.Format format(ServerRequest request) {
        String text = RequestParameters.text(request, "format").orElse("jsonl").toLowerCase(Locale.ROOT);
        return switch (text) {
            case "jsonl" -> AuditExports.Format.JSONL;
            case "csv" -> AuditExports.Format.CSV;
            default -> throw ApiException.invalid("format", "must be jsonl or csv, was '" + RequestParameters.abbreviate(text) + "'");
        };
    }
}

package io.pganalytics.server.ingest;

import io.helidon.http.HeaderNames;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.GzipRequestDecoding;
import io.pganalytics.server.http.JsonBodies;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.InputStream;
import java.util.Locale;

/** {@code POST /api/v1/ingest}: a collector's batch, gzip or plain JSON, acknowledged after its commit. */
final class IngestRoutes implements ApiService {
    private final IngestService service;
    private final JsonBodies bodies;
    private final long maxCompressedBytes;
    private final IngestCalls calls;

    IngestRoutes(IngestService service, JsonBodies bodies, long maxCompressedBytes, IngestCalls calls) {
        this.service = service;
        this.calls = calls;
        this.bodies = bodies;
        this.maxCompressedBytes = maxCompressedBytes;
    }

    @Override
    public void register(ApiRules rules) {
        // accounted for by collector and window, and refusals one by one (IngestCalls), not one API record per batch
        rules.post("/ingest", Access.COLLECTOR, calls, this::ingest);
    }

    private void ingest(ServerRequest request, ServerResponse response) {
        request.headers().contentType().ifPresent(type -> {
            if (!"json".equals(type.mediaType().subtype().toLowerCase(Locale.ROOT))) {
                throw new ApiException(ErrorType.UNSUPPORTED_MEDIA_TYPE, "a batch is application/json, not " + type.mediaType().text());
            }
        });
        long declared = request.headers().contentLength().orElse(-1L);
        if (declared >= 0) {
            request.context().register(IngestCalls.SentBytes.class, new IngestCalls.SentBytes(declared));
        }
        if (declared > maxCompressedBytes) {
            throw ApiException.tooLarge("the batch has " + declared + " bytes as sent; the limit is " + maxCompressedBytes
                    + " (ingest.max-compressed-bytes)");
        }
        if (!request.content().hasEntity()) {
            throw ApiException.malformed("the request body is empty: expected a batch");
        }
        String key = request.headers().first(HeaderNames.create("Idempotency-Key")).map(String::trim).orElse(null);
        // Inflated by the web server as it is read (Content-Encoding: gzip), which also counts the bytes as sent against
        // the limit (GzipRequestDecoding); a plain body is counted here. The decoder's limit bounds what is inflated.
        boolean encoded = request.headers().first(HeaderNames.CONTENT_ENCODING).map(e -> !"identity".equalsIgnoreCase(e.trim()))
                .orElse(false);
        InputStream body = encoded ? request.content().inputStream()
                : GzipRequestDecoding.limitSent(request.content().inputStream(), maxCompressedBytes, "ingest.max-compressed-bytes");
        io.pganalytics.common.wire.IngestAck ack = service.ingest(ApiRules.caller(request), body, key);
        request.context().register(io.pganalytics.common.wire.IngestAck.class, ack);
        bodies.ok(response, ack);
    }
}

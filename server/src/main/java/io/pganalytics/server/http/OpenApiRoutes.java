package io.pganalytics.server.http;

import io.helidon.http.HeaderNames;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code GET /api/v1/openapi.yaml}: the API's OpenAPI 3 document, held true to the routes by a test. */
public final class OpenApiRoutes implements ApiService {
    public static final String RESOURCE = "/io/pganalytics/server/openapi.yaml";
    private final byte[] document;

    public OpenApiRoutes() {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI document " + RESOURCE + " is missing from the server jar");
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void register(ApiRules rules) {
        rules.get("/openapi.yaml", Access.PUBLIC, (request, response) -> {
            response.header(HeaderNames.CONTENT_TYPE, "application/yaml");
            response.send(document);
        });
    }
}

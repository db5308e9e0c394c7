package io.pganalytics.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * What every API request must be before any route sees it, checked in one place: an absolute path as its target
 * ({@code GET *} is refused), not both Content-Length and Transfer-Encoding (the ambiguity request smuggling lives on),
 * and no control character (NUL included) in its path or in any query parameter's name or value, so that no route
 * hands one to the database. Refusals are 400 envelopes that name the parameter. Every answer gets the
 * {@link SecurityHeaders}.
 */
public final class RequestScreen implements Filter {
    private final SecurityHeaders headers;
    private final JsonBodies bodies;
    private final RequestParameters.PublicUrl publicUrl;

    /** @param publicApiUrl the API's configured public base URL, if any (see {@link RequestParameters#publicApiUrl}) */
    public RequestScreen(SecurityHeaders headers, JsonBodies bodies, java.util.Optional<String> publicApiUrl) {
        this.headers = headers;
        this.bodies = bodies;
        this.publicUrl = new RequestParameters.PublicUrl(publicApiUrl);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        headers.apply(response.headers());
        ApiException refusal = refusal(request);
        if (refusal != null) {
            // A request we cannot read safely: answer it and let the connection go rather than guess where the next begins.
            response.header(HeaderValues.CONNECTION_CLOSE);
            ErrorMapping.send(bodies, request, response, refusal);
            return;
        }
        request.context().register(RequestParameters.PublicUrl.class, publicUrl);
        chain.proceed();
    }

    private static ApiException refusal(RoutingRequest request) {
        String rawPath = request.path().rawPath();
        if (!rawPath.startsWith("/")) {
            return ApiException.malformed("the request target must be an absolute path such as /api/v1/instances, not '"
                    + RequestParameters.abbreviate(rawPath) + "'");
        }
        if (request.headers().contains(HeaderNames.TRANSFER_ENCODING) && request.headers().contains(HeaderNames.CONTENT_LENGTH)) {
            return ApiException.malformed("the request has both Content-Length and Transfer-Encoding: send one of them");
        }
        if (RequestParameters.hasControlCharacter(request.path().path())) {
            return ApiException.invalid("path", "must not contain control characters (such as NUL)");
        }
        for (String name : request.query().names()) {
            if (RequestParameters.hasControlCharacter(name)) {
                return ApiException.invalid("query", "parameter names must not contain control characters (such as NUL)");
            }
            for (String value : request.query().all(name)) {
                if (RequestParameters.hasControlCharacter(value)) {
                    return RequestParameters.controlCharacter(name);
                }
            }
        }
        return null;
    }
}

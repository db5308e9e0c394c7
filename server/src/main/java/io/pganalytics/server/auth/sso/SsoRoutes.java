package io.pganalytics.server.auth.sso;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.auth.SsoTokenRequest;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.http.RequestParameters;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /auth/sso}: start a console's sign-in at a browser provider, receive the provider's answer (GET for OIDC,
 * POST form for SAML), trade a one-time code for tokens, and serve the provider's metadata. The provider sees this
 * server's callback as {@code http.public-url} + {@code /api/v1/auth/sso/{provider}/callback} when a public URL is
 * configured, else as the address the browser used.
 */
public final class SsoRoutes implements ApiService {
    /** A SAML response is a few tens of KiB; nothing a provider posts needs more. */
    static final int MAX_FORM_BYTES = 256 * 1024;
    static final int MAX_PARAMETERS = 32;

    private final SsoBroker broker;
    private final JsonBodies bodies;
    private final io.pganalytics.server.auth.AuthEvents events;

    public SsoRoutes(SsoBroker broker, JsonBodies bodies, io.pganalytics.server.auth.AuthEvents events) {
        this.broker = broker;
        this.bodies = bodies;
        this.events = events;
    }

    /** Runs one step of a browser sign-in, recording its outcome ({@code auth.sso.start}, {@code auth.sso.callback}). */
    private void recorded(String action, String provider, Runnable step) {
        try {
            step.run();
        } catch (ApiException e) {
            events.anonymous(action, io.pganalytics.server.audit.AuditEvent.Outcome.FAILURE, Map.of("provider", provider,
                    "reason", e.type().wireName() + ": " + e.getMessage()));
            throw e;
        }
        events.anonymous(action, io.pganalytics.server.audit.AuditEvent.Outcome.SUCCESS, Map.of("provider", provider));
    }

    @Override
    public void register(ApiRules rules) {
        rules.get("/auth/sso/{provider}/start", Access.PUBLIC, this::start)
                .get("/auth/sso/{provider}/callback", Access.PUBLIC, this::callback)
                .post("/auth/sso/{provider}/callback", Access.PUBLIC, this::callback)
                .get("/auth/sso/{provider}/metadata", Access.PUBLIC, this::metadata)
                .post("/auth/sso/token", Access.PUBLIC, this::token);
    }

    private void start(ServerRequest request, ServerResponse response) {
        String provider = request.path().pathParameters().get("provider");
        recorded("auth.sso.start", provider, () -> {
            URI redirect = broker.start(provider,
                    RequestParameters.text(request, "redirect_uri").orElse(null),
                    RequestParameters.text(request, "state").orElse(null),
                    RequestParameters.text(request, "code_challenge").orElse(null),
                    RequestParameters.text(request, "code_challenge_method").orElse(null),
                    callback(request, provider));
            redirect(response, redirect);
        });
    }

    private void callback(ServerRequest request, ServerResponse response) {
        String provider = request.path().pathParameters().get("provider");
        recorded("auth.sso.callback", provider, () -> {
            Map<String, String> parameters = request.prologue().method().text().equals("POST") ? form(request) : query(request);
            redirect(response, broker.callback(provider, parameters));
        });
    }

    private void metadata(ServerRequest request, ServerResponse response) {
        String provider = request.path().pathParameters().get("provider");
        String document = broker.metadata(provider, callback(request, provider))
                .orElseThrow(() -> ApiException.notFound("identity provider '" + provider + "' publishes no metadata"));
        response.header(HeaderNames.CONTENT_TYPE, "application/samlmetadata+xml; charset=UTF-8");
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.send(document.getBytes(StandardCharsets.UTF_8));
    }

    private void token(ServerRequest request, ServerResponse response) {
        SsoTokenRequest body = bodies.read(request, SsoTokenRequest.class);
        bodies.ok(response, broker.token(body, RequestParameters.clientAddress(request)));
    }

    /** This server's callback for {@code provider}: from the configured public URL, else from the request's own address. */
    static URI callback(ServerRequest request, String provider) {
        String path = request.path().path();
        String prefix = path.substring(0, path.indexOf("/auth/sso/"));
        String base = RequestParameters.publicApiUrl(request).orElseGet(() -> {
            var uri = request.requestedUri();
            boolean defaultPort = (uri.scheme().equals("https") && uri.port() == 443) || (uri.scheme().equals("http") && uri.port() == 80);
            String host = uri.host().contains(":") && !uri.host().startsWith("[") ? "[" + uri.host() + "]" : uri.host();
            return uri.scheme() + "://" + host + (defaultPort ? "" : ":" + uri.port()) + prefix;
        });
        return URI.create(base + "/auth/sso/" + provider + "/callback");
    }

    private static void redirect(ServerResponse response, URI location) {
        response.status(Status.FOUND_302);
        response.header(HeaderNames.LOCATION, location.toString());
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        response.send();
    }

    private static Map<String, String> query(ServerRequest request) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String name : request.query().names()) {
            if (parameters.size() >= MAX_PARAMETERS) {
                throw ApiException.malformed("the provider's answer has more than " + MAX_PARAMETERS + " parameters");
            }
            parameters.put(name, request.query().get(name));
        }
        return parameters;
    }

    private static Map<String, String> form(ServerRequest request) {
        String type = request.headers().contentType().map(t -> t.mediaType().text().toLowerCase(Locale.ROOT)).orElse("");
        if (!type.equals("application/x-www-form-urlencoded")) {
            throw ApiException.malformed("the provider's answer must be a form (application/x-www-form-urlencoded)");
        }
        String body = new String(JsonBodies.readBounded(request, MAX_FORM_BYTES), StandardCharsets.UTF_8);
        Map<String, String> parameters = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return parameters;
        }
        for (String pair : body.split("&")) {
            if (parameters.size() >= MAX_PARAMETERS) {
                throw ApiException.malformed("the provider's answer has more than " + MAX_PARAMETERS + " fields");
            }
            int equals = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                parameters.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                throw ApiException.malformed("the provider's answer is not a valid form");
            }
        }
        return parameters;
    }
}

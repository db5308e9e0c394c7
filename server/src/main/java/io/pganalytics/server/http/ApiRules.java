package io.pganalytics.server.http;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;

import java.util.Objects;

/**
 * Registers API routes with the access each requires. Every route goes through here, so authentication and the
 * role check are applied by construction (a handler cannot forget them) and the {@link RouteCatalog} knows every
 * route for the OpenAPI test. Handlers read the caller with {@link #caller(ServerRequest)}.
 */
public final class ApiRules {
    private final HttpRules rules;
    private final String prefix;
    private final CallerAuthenticator users;
    private final CallerAuthenticator collectors;
    private final RouteCatalog catalog;

    public ApiRules(HttpRules rules, String prefix, CallerAuthenticator users, CallerAuthenticator collectors, RouteCatalog catalog) {
        this.rules = Objects.requireNonNull(rules);
        this.prefix = Objects.requireNonNull(prefix);
        this.users = Objects.requireNonNull(users);
        this.collectors = Objects.requireNonNull(collectors);
        this.catalog = Objects.requireNonNull(catalog);
    }

    public ApiRules get(String path, Access access, Handler handler) {
        return route(Method.GET, path, access, handler);
    }

    public ApiRules post(String path, Access access, Handler handler) {
        return route(Method.POST, path, access, handler);
    }

    public ApiRules put(String path, Access access, Handler handler) {
        return route(Method.PUT, path, access, handler);
    }

    public ApiRules patch(String path, Access access, Handler handler) {
        return route(Method.PATCH, path, access, handler);
    }

    public ApiRules delete(String path, Access access, Handler handler) {
        return route(Method.DELETE, path, access, handler);
    }

    /**
     * As {@link #post(String, Access, Handler)}, for a route that accounts for its own calls: {@code recorder} gets each
     * of its calls instead of the audit trail's one-record-per-call (the ingest: counts per collector and window).
     */
    public ApiRules post(String path, Access access, CallRecorder recorder, Handler handler) {
        return route(Method.POST, path, access, recorder, handler);
    }

    /**
     * Tells the call recorder that this request's answer is a stream now open (a live stream): the call is recorded
     * now, once, with the status sent, rather than when the stream ends hours later.
     */
    public static void streamOpened(ServerRequest request, int status) {
        request.context().get(ApiCalls.InProgress.class, ApiCalls.InProgress.class).ifPresent(call -> call.record(status));
    }

    /** The authenticated caller of a route whose access is not {@link Access#PUBLIC}. */
    public static Caller caller(ServerRequest request) {
        return request.context().get(Caller.class, Caller.class)
                .orElseThrow(() -> new IllegalStateException("no caller on a route that requires one: " + request.path().path()));
    }

    private ApiRules route(Method method, String path, Access access, Handler handler) {
        return route(method, path, access, null, handler);
    }

    private ApiRules route(Method method, String path, Access access, CallRecorder recorder, Handler handler) {
        String fullPath = prefix + path;
        catalog.add(method.text(), fullPath, access);
        RouteInfo route = new RouteInfo(fullPath, recorder);
        Handler guarded = guarded(access, handler);
        rules.route(method, fullPath, (request, response) -> {
            request.context().register(RouteInfo.class, route);
            guarded.handle(request, response);
        });
        return this;
    }

    private Handler guarded(Access access, Handler handler) {
        if (access == Access.PUBLIC) {
            return handler;
        }
        return (request, response) -> {
            Caller caller = authenticate(access, request);
            // known before the role check, so that a refusal (403) is recorded against who was refused
            request.context().register(Caller.class, caller);
            authorize(access, caller, request);
            handler.handle(request, response);
        };
    }

    private Caller authenticate(Access access, ServerRequest request) {
        CallerAuthenticator authenticator = access == Access.COLLECTOR ? collectors : users;
        return authenticator.authenticate(request)
                .orElseThrow(() -> ApiException.unauthenticated(access == Access.COLLECTOR
                        ? "this route needs a collector credential: Authorization: Bearer <credential>"
                        : "sign in first: Authorization: Bearer <access token>"));
    }

    private static void authorize(Access access, Caller caller, ServerRequest request) {
        boolean allowed = switch (access) {
            case PUBLIC -> true;
            case COLLECTOR -> caller.kind() == Caller.Kind.COLLECTOR;
            case AUTHENTICATED -> caller.isUser();
            default -> caller.isUser() && io.pganalytics.common.auth.Role.anyGrants(caller.roles(), access.requiredRole().orElseThrow());
        };
        if (!allowed) {
            throw ApiException.forbidden(request.prologue().method().text() + " " + request.path().path()
                    + " requires the " + access.name().toLowerCase(java.util.Locale.ROOT) + " role; "
                    + caller.name() + " has " + caller.roles());
        }
    }
}

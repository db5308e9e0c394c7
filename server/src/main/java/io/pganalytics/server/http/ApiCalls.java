package io.pganalytics.server.http;

import io.helidon.common.context.Contexts;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The first filter of the API: settles who the client is ({@link ClientInfo}: the trusted address, the user agent) and,
 * when calls are recorded ({@code audit.api-calls}), hands every call to a {@link CallRecorder} once its answer is sent,
 * whatever answered it: a route, the error mapping, the 404 fallback, a filter's refusal. A live stream is handed over
 * once, when it opens ({@link ApiRules#streamOpened}). The route's own recorder, when it has one, takes the call instead.
 * <p>
 * The request's handlers run with the request's context as the thread's current one, so that code far from the
 * request (a sign-in's service) can read the client with {@link ClientInfo#current()}.
 */
public final class ApiCalls implements Filter {
    private final TrustedProxies proxies;
    private final CallRecorder recorder;

    /** @param recorder where calls go; null when calls are not recorded (the client is still settled) */
    public ApiCalls(TrustedProxies proxies, CallRecorder recorder) {
        this.proxies = proxies;
        this.recorder = recorder;
    }

    /** A call being served: recorded once, when sent or when its stream opened. */
    static final class InProgress {
        private final long startNanos = System.nanoTime();
        private final AtomicBoolean recorded = new AtomicBoolean();
        private final ServerRequest request;
        private final ClientInfo client;
        private final CallRecorder recorder;

        InProgress(ServerRequest request, ClientInfo client, CallRecorder recorder) {
            this.request = request;
            this.client = client;
            this.recorder = recorder;
        }

        void record(int status) {
            if (!recorded.compareAndSet(false, true)) {
                return;
            }
            var context = request.context();
            RouteInfo route = context.get(RouteInfo.class, RouteInfo.class).orElse(null);
            ErrorMapping.Outcome error = context.get(ErrorMapping.Outcome.class, ErrorMapping.Outcome.class).orElse(null);
            Caller caller = context.get(Caller.class, Caller.class).orElse(null);
            Map<String, String> parameters = route == null ? Map.of() : request.path().pathParameters().toMap().entrySet().stream()
                    .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().isEmpty() ? "" : e.getValue().getFirst()));
            ApiCall call = new ApiCall(caller, client, request.prologue().method().text(), route == null ? null : route.template(),
                    request.path().path(), parameters, status, error == null ? null : error.type(), error == null ? null : error.message(),
                    (System.nanoTime() - startNanos) / 1000, context);
            (route != null && route.recorder() != null ? route.recorder() : recorder).record(call);
        }
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        ClientInfo client = new ClientInfo(proxies.clientAddress(request.remotePeer().address(), request.headers()),
                request.headers().first(HeaderNames.USER_AGENT).orElse(null));
        request.context().register(ClientInfo.class, client);
        if (recorder != null) {
            InProgress call = new InProgress(request, client, recorder);
            request.context().register(InProgress.class, call);
            response.whenSent(() -> call.record(response.status().code()));
        }
        Contexts.runInContext(request.context(), chain::proceed);
    }
}

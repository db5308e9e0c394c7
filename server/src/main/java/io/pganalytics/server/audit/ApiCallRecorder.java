package io.pganalytics.server.audit;

import io.pganalytics.server.http.ApiCall;
import io.pganalytics.server.http.CallRecorder;

/**
 * One queued record per API call: who (the caller, else anonymous; roles; the trusted client address and user agent,
 * sealed as personal data), what (method and route template, and the resource a path parameter names), the outcome
 * (status, error type), how long. A call no route matched is recorded with its path.
 */
final class ApiCallRecorder implements CallRecorder {
    /** The route of calls no route matched. */
    static final String NO_ROUTE = "(no route)";

    private final AuditLog log;

    ApiCallRecorder(AuditLog log) {
        this.log = log;
    }

    @Override
    public void record(ApiCall call) {
        log.submit(event(call));
    }

    static AuditEvent event(ApiCall call) {
        String route = call.route() == null ? NO_ROUTE : call.route();
        AuditEvent event = AuditEvent.api(call.method() + " " + route)
                .actor(actor(call))
                .outcome(outcome(call.status()))
                .status(call.status(), call.errorType())
                .durationMicros(call.durationMicros());
        if (call.route() == null) {
            event.detail("path", AuditText.clean(call.path(), AuditText.ACTION));
        } else {
            resource(event, call);
        }
        return event;
    }

    static AuditEvent.Actor actor(ApiCall call) {
        return call.caller() == null
                ? AuditEvent.Actor.anonymous(null, call.client().address(), call.client().userAgent())
                : AuditEvent.Actor.of(call.caller(), call.client().address(), call.client().userAgent());
    }

    static AuditEvent.Outcome outcome(int status) {
        return status == 401 || status == 403 ? AuditEvent.Outcome.DENIED
                : status >= 400 ? AuditEvent.Outcome.FAILURE : AuditEvent.Outcome.SUCCESS;
    }

    /**
     * The resource the call names: the template's last path parameter, typed by the literal segment before it
     * ({@code /api/v1/users/{id}/roles} -> users 42).
     */
    private static void resource(AuditEvent event, ApiCall call) {
        String[] segments = call.route().split("/");
        for (int i = segments.length - 1; i > 0; i--) {
            String segment = segments[i];
            if (segment.startsWith("{") && segment.endsWith("}")) {
                String value = call.pathParameters().get(segment.substring(1, segment.length() - 1));
                if (value != null) {
                    String type = segments[i - 1].startsWith("{") ? null : segments[i - 1];
                    event.resource(type, value);
                }
                return;
            }
        }
    }
}

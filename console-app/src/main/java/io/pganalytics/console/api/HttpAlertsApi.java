package io.pganalytics.console.api;

import com.fasterxml.jackson.core.type.TypeReference;
import io.pganalytics.common.alerting.AlertCounts;
import io.pganalytics.common.alerting.AlertFeedback;
import io.pganalytics.common.alerting.AlertPage;
import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.common.alerting.IncidentPage;
import io.pganalytics.common.alerting.IncidentView;
import io.pganalytics.common.alerting.NotificationView;
import io.pganalytics.common.alerting.Silence;

import java.net.http.HttpResponse;
import java.util.List;

/** {@link AlertsApi} over the session of an {@link HttpConsoleApi}: the same tokens, refresh and errors. */
final class HttpAlertsApi implements AlertsApi {
    private final HttpConsoleApi api;

    HttpAlertsApi(HttpConsoleApi api) {
        this.api = api;
    }

    @Override
    public AlertPage alerts(AlertQuery query, int limit, String cursor) {
        return api.get(page("/alerts", query.alertParameters(), limit, cursor), AlertPage.class);
    }

    @Override
    public AlertView alert(long id) {
        return api.get("/alerts/" + id, AlertView.class);
    }

    @Override
    public List<AlertCounts> counts() {
        return api.decode(call("GET", "/alerts/counts", null), new TypeReference<List<AlertCounts>>() { });
    }

    @Override
    public IncidentPage incidents(AlertQuery query, int limit, String cursor) {
        return api.get(page("/incidents", query.incidentParameters(), limit, cursor), IncidentPage.class);
    }

    @Override
    public IncidentView incident(long id) {
        return api.get("/incidents/" + id, IncidentView.class);
    }

    @Override
    public IncidentView acknowledgeAlert(long alertId) {
        return api.decode(call("POST", "/alerts/" + alertId + "/acknowledge", null), IncidentView.class);
    }

    @Override
    public IncidentView acknowledge(long incidentId) {
        return api.decode(call("POST", "/incidents/" + incidentId + "/acknowledge", null), IncidentView.class);
    }

    @Override
    public IncidentView resolve(long incidentId) {
        return api.decode(call("POST", "/incidents/" + incidentId + "/resolve", null), IncidentView.class);
    }

    @Override
    public IncidentView feedback(long incidentId, AlertFeedback feedback) {
        return api.decode(call("POST", "/incidents/" + incidentId + "/feedback", feedback), IncidentView.class);
    }

    @Override
    public List<NotificationView> notifications(long incidentId) {
        return api.decode(call("GET", "/incidents/" + incidentId + "/notifications", null),
                new TypeReference<List<NotificationView>>() { });
    }

    @Override
    public Silence silence(Silence silence) {
        return api.decode(call("POST", "/silences", silence), Silence.class);
    }

    @Override
    public LiveSubscription live(LiveListener listener) {
        return LiveStream.open(api, "/alerts/live", "fleet alerts", listener, LiveStream.STALE_AFTER);
    }

    private static String page(String base, String filters, int limit, String cursor) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("a page holds 1 to " + MAX_PAGE + " items, not " + limit);
        }
        StringBuilder path = new StringBuilder(base).append("?limit=").append(limit);
        if (!filters.isEmpty()) {
            path.append('&').append(filters);
        }
        if (cursor != null) {
            path.append("&cursor=").append(HttpConsoleApi.encode(cursor));
        }
        return path.toString();
    }

    private HttpResponse<String> call(String method, String path, Object body) {
        return api.authenticated(method, path, body, true);
    }
}

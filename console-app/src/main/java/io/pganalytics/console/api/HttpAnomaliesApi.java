package io.pganalytics.console.api;

import com.fasterxml.jackson.core.type.TypeReference;
import io.pganalytics.common.anomaly.AnomalyBand;
import io.pganalytics.common.anomaly.AnomalyExclusion;
import io.pganalytics.common.anomaly.AnomalyPage;
import io.pganalytics.common.anomaly.AnomalySettings;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.anomaly.DetectionSeriesInfo;
import io.pganalytics.common.anomaly.FeedbackRequest;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

/** {@link AnomaliesApi} over the session of an {@link HttpConsoleApi}: the same tokens, refresh and errors. */
final class HttpAnomaliesApi implements AnomaliesApi {
    private final HttpConsoleApi api;

    HttpAnomaliesApi(HttpConsoleApi api) {
        this.api = api;
    }

    @Override
    public AnomalyPage list(AnomalyQuery query, int limit, String cursor) {
        return api.get(page("/anomalies", query, limit, cursor), AnomalyPage.class);
    }

    @Override
    public AnomalyPage ofInstance(long instanceId, AnomalyQuery query, int limit, String cursor) {
        AnomalyQuery own = new AnomalyQuery(null, query.severity(), query.state(), query.series(), query.from(), query.to());
        return api.get(page("/instances/" + instanceId + "/anomalies", own, limit, cursor), AnomalyPage.class);
    }

    private static String page(String base, AnomalyQuery query, int limit, String cursor) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("an anomaly page holds 1 to " + MAX_PAGE + " anomalies, not " + limit);
        }
        StringBuilder path = new StringBuilder(base).append("?limit=").append(limit);
        String filters = query.parameters();
        if (!filters.isEmpty()) {
            path.append('&').append(filters);
        }
        if (cursor != null) {
            path.append("&cursor=").append(HttpConsoleApi.encode(cursor));
        }
        return path.toString();
    }

    @Override
    public AnomalyView anomaly(long id) {
        return api.get("/anomalies/" + id, AnomalyView.class);
    }

    @Override
    public AnomalyView feedback(long id, FeedbackRequest request) {
        return api.decode(call("POST", "/anomalies/" + id + "/feedback", request), AnomalyView.class);
    }

    @Override
    public List<DetectionSeriesInfo> series() {
        return api.decode(call("GET", "/anomalies/series", null), new TypeReference<List<DetectionSeriesInfo>>() { });
    }

    @Override
    public AnomalyBand band(long instanceId, String series, Instant from, Instant to) {
        return api.get("/instances/" + instanceId + "/anomalies/band?series=" + HttpConsoleApi.encode(series)
                + "&from=" + HttpConsoleApi.encode(from.toString()) + "&to=" + HttpConsoleApi.encode(to.toString()), AnomalyBand.class);
    }

    @Override
    public AnomalySettings settings(long instanceId) {
        return api.get("/instances/" + instanceId + "/anomaly-settings", AnomalySettings.class);
    }

    @Override
    public AnomalySettings updateSettings(long instanceId, AnomalySettings settings) {
        return api.decode(call("PUT", "/instances/" + instanceId + "/anomaly-settings", settings), AnomalySettings.class);
    }

    @Override
    public AnomalyExclusion addExclusion(long instanceId, AnomalyExclusion exclusion) {
        return api.decode(call("POST", "/instances/" + instanceId + "/anomaly-exclusions", exclusion), AnomalyExclusion.class);
    }

    @Override
    public void removeExclusion(long instanceId, long exclusionId) {
        api.expectSuccess(call("DELETE", "/instances/" + instanceId + "/anomaly-exclusions/" + exclusionId, null));
    }

    @Override
    public LiveSubscription live(LiveListener listener) {
        return LiveStream.open(api, "/anomalies/live", "fleet anomalies", listener, LiveStream.STALE_AFTER);
    }

    private HttpResponse<String> call(String method, String path, Object body) {
        return api.authenticated(method, path, body, true);
    }
}

package io.pganalytics.console.testing;

import io.pganalytics.common.api.ApiError;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.anomaly.AnomalyBand;
import io.pganalytics.common.anomaly.AnomalyExclusion;
import io.pganalytics.common.anomaly.AnomalyHint;
import io.pganalytics.common.anomaly.AnomalyPage;
import io.pganalytics.common.anomaly.AnomalySettings;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.anomaly.DetectionSeriesInfo;
import io.pganalytics.common.anomaly.FeedbackRequest;
import io.pganalytics.console.api.AnomaliesApi;
import io.pganalytics.console.api.AnomalyQuery;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.api.LiveListener;
import io.pganalytics.console.api.LiveSubscription;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The anomaly calls of {@link FakeConsoleApi}: answers what a test gives it, filtering and ordering as the server does
 * (newest first), and refusing what a viewer may not change as the server does (403).
 */
public final class FakeAnomaliesApi implements AnomaliesApi {
    public final List<String> calls = new ArrayList<>();
    public final List<AnomalyView> anomalies = new ArrayList<>();
    public List<DetectionSeriesInfo> series = List.of(
            new DetectionSeriesInfo("tps", "transactions per second", "1/s", "tps"),
            new DetectionSeriesInfo("connections", "connections", "connections", "connections"),
            new DetectionSeriesInfo("statement_latency_ms", "statement latency", "ms", null));
    /** Series -> the band the fake answers for it. */
    public final Map<String, List<AnomalyBand.Point>> bands = new HashMap<>();
    public final Map<Long, AnomalySettings> settings = new HashMap<>();
    /** When true, changes are refused as for a viewer. */
    public boolean viewer;
    public LiveListener live;
    public final List<AnomalyQuery> queries = new ArrayList<>();
    private long exclusions = 100;

    @Override
    public AnomalyPage list(AnomalyQuery query, int limit, String cursor) {
        calls.add("list");
        queries.add(query);
        return new AnomalyPage(anomalies.stream().filter(a -> matches(a, query))
                .sorted(Comparator.comparing(AnomalyView::startedAt).reversed()).limit(limit).toList(), null);
    }

    @Override
    public AnomalyPage ofInstance(long instanceId, AnomalyQuery query, int limit, String cursor) {
        calls.add("ofInstance " + instanceId);
        return list(new AnomalyQuery(instanceId, query.severity(), query.state(), query.series(), query.from(), query.to()), limit, cursor);
    }

    private static boolean matches(AnomalyView a, AnomalyQuery q) {
        return (q.instanceId() == null || q.instanceId() == a.instanceId())
                && (q.severity() == null || q.severity().equals(a.severity()))
                && (q.state() == null || q.state().equals(a.state()))
                && (q.from() == null || !a.startedAt().isBefore(q.from()))
                && (q.to() == null || a.startedAt().isBefore(q.to()));
    }

    @Override
    public AnomalyView anomaly(long id) {
        calls.add("anomaly " + id);
        return anomalies.stream().filter(a -> a.id() == id).findFirst()
                .orElseThrow(() -> ApiException.rejected(ApiError.of(ErrorType.NOT_FOUND, "anomaly " + id + " does not exist")));
    }

    @Override
    public AnomalyView feedback(long id, FeedbackRequest request) {
        calls.add("feedback " + id + " " + request.verdict() + " " + request.comment());
        refuseViewer();
        AnomalyView a = anomaly(id);
        AnomalyView changed = new AnomalyView(a.id(), a.instanceId(), a.instanceName(), a.series(), a.label(), a.unit(), a.kind(),
                a.severity(), a.state(), a.startedAt(), a.endedAt(), a.peakAt(), a.score(), a.expected(), a.lower(), a.upper(), a.actual(),
                a.points(), a.hints(), request.verdict(), Instant.now());
        anomalies.replaceAll(x -> x.id() == id ? changed : x);
        return changed;
    }

    @Override
    public List<DetectionSeriesInfo> series() {
        calls.add("series");
        return series;
    }

    @Override
    public AnomalyBand band(long instanceId, String series, Instant from, Instant to) {
        calls.add("band " + series);
        return new AnomalyBand(instanceId, series, series, "1/s",
                bands.getOrDefault(series, List.of()).stream().filter(p -> !p.at().isBefore(from) && p.at().isBefore(to)).toList(),
                anomalies.stream().filter(a -> a.instanceId() == instanceId && a.series().equals(series)).toList());
    }

    @Override
    public AnomalySettings settings(long instanceId) {
        calls.add("settings " + instanceId);
        return settings.computeIfAbsent(instanceId, id -> new AnomalySettings(id, AnomalySettings.NORMAL, List.of(), true, 3, 30,
                Instant.parse("2026-12-08T09:00:00Z"), null, null));
    }

    @Override
    public AnomalySettings updateSettings(long instanceId, AnomalySettings changed) {
        calls.add("updateSettings " + instanceId + " " + changed.sensitivity());
        refuseViewer();
        AnomalySettings s = settings(instanceId);
        AnomalySettings saved = new AnomalySettings(instanceId, changed.sensitivity(), s.exclusions(), s.learning(), s.seriesLearning(),
                s.seriesTotal(), s.learningUntil(), "1", Instant.now());
        settings.put(instanceId, saved);
        return saved;
    }

    @Override
    public AnomalyExclusion addExclusion(long instanceId, AnomalyExclusion exclusion) {
        calls.add("addExclusion " + instanceId + " " + exclusion.series() + " " + exclusion.startsAt() + " " + exclusion.endsAt());
        refuseViewer();
        AnomalyExclusion added = new AnomalyExclusion(++exclusions, exclusion.series(), exclusion.startsAt(), exclusion.endsAt(),
                exclusion.reason(), "1", Instant.now());
        AnomalySettings s = settings(instanceId);
        List<AnomalyExclusion> all = new ArrayList<>(s.exclusions());
        all.addFirst(added);
        settings.put(instanceId, new AnomalySettings(instanceId, s.sensitivity(), all, s.learning(), s.seriesLearning(), s.seriesTotal(),
                s.learningUntil(), s.updatedBy(), s.updatedAt()));
        return added;
    }

    @Override
    public void removeExclusion(long instanceId, long exclusionId) {
        calls.add("removeExclusion " + instanceId + " " + exclusionId);
        refuseViewer();
        AnomalySettings s = settings(instanceId);
        settings.put(instanceId, new AnomalySettings(instanceId, s.sensitivity(),
                s.exclusions().stream().filter(e -> e.id() != exclusionId).toList(), s.learning(), s.seriesLearning(), s.seriesTotal(),
                s.learningUntil(), s.updatedBy(), s.updatedAt()));
    }

    @Override
    public LiveSubscription live(LiveListener listener) {
        live = listener;
        return () -> live = null;
    }

    private void refuseViewer() {
        if (viewer) {
            throw ApiException.rejected(ApiError.of(ErrorType.FORBIDDEN, "this needs the operator role"));
        }
    }

    /** An anomaly with one statement hint and one setting hint. */
    public static AnomalyView anomaly(long id, long instanceId, String instanceName, String series, String severity, String state,
                                      Instant startedAt) {
        Instant ended = AnomalyView.OPEN.equals(state) ? null : startedAt.plusSeconds(600);
        return new AnomalyView(id, instanceId, instanceName, series, series.equals("tps") ? "transactions per second" : series,
                "1/s", AnomalyView.LEVEL_SHIFT, severity, state, startedAt, ended, startedAt.plusSeconds(120), 7.4, 410.0, 350.0, 470.0,
                1210.0, 9, List.of(
                new AnomalyHint(1, AnomalyHint.STATEMENT, "UPDATE accounts SET balance = balance + $1 WHERE id = $2",
                        "mean time 0.4 ms -> 38 ms, moved 2 min before", "query:4242", 0.9, startedAt.minusSeconds(120)),
                new AnomalyHint(2, AnomalyHint.SETTING, "work_mem", "changed 4MB -> 64kB at the start", "setting:work_mem", 0.6, startedAt),
                new AnomalyHint(3, AnomalyHint.AUTOVACUUM, "shop.public.orders", "autovacuum ran in the window", "table:shop.public.orders",
                        0.3, null)), null, startedAt.plusSeconds(120));
    }
}

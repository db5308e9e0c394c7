package io.pganalytics.console.anomalies;

import io.pganalytics.common.anomaly.AnomalyBand;
import io.pganalytics.common.anomaly.AnomalyExclusion;
import io.pganalytics.common.anomaly.AnomalyPage;
import io.pganalytics.common.anomaly.AnomalySettings;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.anomaly.DetectionSeriesInfo;
import io.pganalytics.common.anomaly.FeedbackRequest;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.common.query.SeriesResponse;
import io.pganalytics.console.api.AnomalyQuery;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.api.LiveListener;
import io.pganalytics.console.api.LiveSubscription;
import io.pganalytics.common.query.LiveUpdate;
import io.pganalytics.console.common.Background;

import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** The Anomalies screen's calls, off the FX thread; the fleet stream's events are handed to the FX thread. */
public final class AnomaliesService {
    /** How many anomalies the list reads. */
    static final int PAGE = 200;
    /** How many instances the filter offers. */
    static final int INSTANCES = 500;

    private final ConsoleApi api;
    private final Background background;

    public AnomaliesService(ConsoleApi api, Background background) {
        this.api = api;
        this.background = background;
    }

    public void list(AnomalyQuery query, Consumer<AnomalyPage> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.anomalies().list(query, PAGE, null), onResult, onFailure);
    }

    public void anomaly(long id, Consumer<AnomalyView> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.anomalies().anomaly(id), onResult, onFailure);
    }

    public void instances(Consumer<List<InstanceSummary>> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.instances(INSTANCES).items(), onResult, onFailure);
    }

    public void catalogue(Consumer<List<DetectionSeriesInfo>> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.anomalies().series(), onResult, onFailure);
    }

    public void series(long instanceId, String metric, Instant from, Instant to, Consumer<SeriesResponse> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.series(instanceId, metric, from, to), onResult, onFailure);
    }

    public void band(long instanceId, String series, Instant from, Instant to, Consumer<AnomalyBand> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.anomalies().band(instanceId, series, from, to), onResult, onFailure);
    }

    public void feedback(long id, FeedbackRequest request, Consumer<AnomalyView> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.anomalies().feedback(id, request), onResult, onFailure);
    }

    public void settings(long instanceId, Consumer<AnomalySettings> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.anomalies().settings(instanceId), onResult, onFailure);
    }

    public void updateSettings(long instanceId, AnomalySettings settings, Consumer<AnomalySettings> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.anomalies().updateSettings(instanceId, settings), onResult, onFailure);
    }

    public void addExclusion(long instanceId, AnomalyExclusion exclusion, Consumer<AnomalyExclusion> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.anomalies().addExclusion(instanceId, exclusion), onResult, onFailure);
    }

    public void removeExclusion(long instanceId, long exclusionId, Runnable onDone, Consumer<Throwable> onFailure) {
        background.run(() -> {
            api.anomalies().removeExclusion(instanceId, exclusionId);
            return true;
        }, done -> onDone.run(), onFailure);
    }

    /** Subscribes to the fleet's anomalies; both callbacks run on the FX thread. */
    public LiveSubscription live(Consumer<AnomalyView> onAnomaly, BiConsumer<LiveListener.State, String> onState) {
        return api.anomalies().live(new LiveListener() {
            @Override
            public void update(LiveUpdate update) {
                // the fleet stream carries anomalies only
            }

            @Override
            public void anomaly(AnomalyView anomaly) {
                background.ui().execute(() -> onAnomaly.accept(anomaly));
            }

            @Override
            public void state(State state, String detail) {
                background.ui().execute(() -> onState.accept(state, detail));
            }
        });
    }
}

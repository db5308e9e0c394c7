package io.pganalytics.console.dashboard;

import io.pganalytics.common.anomaly.AnomalyBand;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.anomaly.DetectionSeriesInfo;
import io.pganalytics.common.query.InstanceDetail;
import io.pganalytics.common.query.LiveUpdate;
import io.pganalytics.common.query.SeriesResponse;
import io.pganalytics.common.query.WaitEvents;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.api.LiveListener;
import io.pganalytics.console.api.LiveSubscription;
import io.pganalytics.console.common.Background;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** An instance's data, off the FX thread; live events are handed to the FX thread. */
public final class DashboardService {
    private final ConsoleApi api;
    private final Background background;

    public DashboardService(ConsoleApi api, Background background) {
        this.api = api;
        this.background = background;
    }

    public void instance(long id, Consumer<InstanceDetail> onDetail, Consumer<Throwable> onFailure) {
        background.run(() -> api.instance(id), onDetail, onFailure);
    }

    public void series(long id, String metric, Instant from, Instant to, Consumer<SeriesResponse> onSeries, Consumer<Throwable> onFailure) {
        background.run(() -> api.series(id, metric, from, to), onSeries, onFailure);
    }

    public void waits(long id, Instant from, Instant to, Consumer<WaitEvents> onWaits, Consumer<Throwable> onFailure) {
        background.run(() -> api.waits(id, from, to, 5), onWaits, onFailure);
    }

    /** The series the detectors score and the chart that shows each. */
    public void detectionSeries(Consumer<List<DetectionSeriesInfo>> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.anomalies().series(), onResult, onFailure);
    }

    /** A detection series' expected band and its anomalies over the range. */
    public void band(long id, String series, Instant from, Instant to, Consumer<AnomalyBand> onBand, Consumer<Throwable> onFailure) {
        background.run(() -> api.anomalies().band(id, series, from, to), onBand, onFailure);
    }

    /** Subscribes to the live stream without its anomaly events; both callbacks run on the FX thread. */
    public LiveSubscription live(long id, Consumer<LiveUpdate> onUpdate, BiConsumer<LiveListener.State, String> onState) {
        return live(id, onUpdate, anomaly -> { }, onState);
    }

    /** Subscribes to the live stream: updates, anomalies and the stream's state, all on the FX thread. */
    public LiveSubscription live(long id, Consumer<LiveUpdate> onUpdate, Consumer<AnomalyView> onAnomaly,
                                 BiConsumer<LiveListener.State, String> onState) {
        return api.live(id, new LiveListener() {
            @Override
            public void update(LiveUpdate update) {
                background.ui().execute(() -> onUpdate.accept(update));
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

    public ScheduledFuture<?> every(Duration period, Runnable action) {
        return background.every(period, action);
    }
}

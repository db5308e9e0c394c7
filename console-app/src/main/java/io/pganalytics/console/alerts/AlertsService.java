package io.pganalytics.console.alerts;

import io.pganalytics.common.alerting.AlertEvent;
import io.pganalytics.common.alerting.AlertFeedback;
import io.pganalytics.common.alerting.AlertPage;
import io.pganalytics.common.alerting.IncidentPage;
import io.pganalytics.common.alerting.IncidentView;
import io.pganalytics.common.alerting.NotificationView;
import io.pganalytics.common.alerting.Silence;
import io.pganalytics.common.query.LiveUpdate;
import io.pganalytics.console.api.AlertQuery;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.api.LiveListener;
import io.pganalytics.console.api.LiveSubscription;
import io.pganalytics.console.common.Background;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** The Alerts screen's calls, off the FX thread; the fleet stream's events are handed to the FX thread. */
public final class AlertsService {
    /** How many alerts or incidents a list reads. */
    static final int PAGE = 200;

    private final ConsoleApi api;
    private final Background background;

    public AlertsService(ConsoleApi api, Background background) {
        this.api = api;
        this.background = background;
    }

    public void alerts(AlertQuery query, Consumer<AlertPage> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.alerts().alerts(query, PAGE, null), onResult, onFailure);
    }

    public void incidents(AlertQuery query, Consumer<IncidentPage> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.alerts().incidents(query, PAGE, null), onResult, onFailure);
    }

    public void incident(long id, Consumer<IncidentView> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.alerts().incident(id), onResult, onFailure);
    }

    public void notifications(long incidentId, Consumer<List<NotificationView>> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.alerts().notifications(incidentId), onResult, onFailure);
    }

    public void acknowledgeAlert(long alertId, Consumer<IncidentView> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.alerts().acknowledgeAlert(alertId), onResult, onFailure);
    }

    public void acknowledge(long incidentId, Consumer<IncidentView> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.alerts().acknowledge(incidentId), onResult, onFailure);
    }

    public void resolve(long incidentId, Consumer<IncidentView> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.alerts().resolve(incidentId), onResult, onFailure);
    }

    public void feedback(long incidentId, AlertFeedback feedback, Consumer<IncidentView> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.alerts().feedback(incidentId, feedback), onResult, onFailure);
    }

    public void silence(Silence silence, Consumer<Silence> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.alerts().silence(silence), onResult, onFailure);
    }

    /** Subscribes to the fleet's alert events; both callbacks run on the FX thread. */
    public LiveSubscription live(Consumer<AlertEvent> onEvent, BiConsumer<LiveListener.State, String> onState) {
        return api.alerts().live(new LiveListener() {
            @Override
            public void update(LiveUpdate update) {
                // the fleet's alert stream carries alerts only
            }

            @Override
            public void alert(AlertEvent event) {
                background.ui().execute(() -> onEvent.accept(event));
            }

            @Override
            public void state(State state, String detail) {
                background.ui().execute(() -> onState.accept(state, detail));
            }
        });
    }
}

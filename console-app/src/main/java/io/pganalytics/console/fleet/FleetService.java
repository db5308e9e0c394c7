package io.pganalytics.console.fleet;

import io.pganalytics.common.alerting.AlertCounts;
import io.pganalytics.common.backup.InstanceArchiving;
import io.pganalytics.common.query.InstancePage;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.common.Background;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/** Loads the fleet off the FX thread. */
public final class FleetService {
    /** The server's largest page: the console shows fleets up to this size on one screen. */
    static final int MAX_INSTANCES = 500;

    private final ConsoleApi api;
    private final Background background;

    public FleetService(ConsoleApi api, Background background) {
        this.api = api;
        this.background = background;
    }

    public void load(Consumer<InstancePage> onPage, Consumer<Throwable> onFailure) {
        background.run(() -> api.instances(MAX_INSTANCES), onPage, onFailure);
    }

    /** The instances' own WAL archiving, worst first. */
    public void loadArchiving(Consumer<List<InstanceArchiving>> onList, Consumer<Throwable> onFailure) {
        background.run(api::archiving, onList, onFailure);
    }

    /** Firing alerts per instance by severity ({@code GET /alerts/counts}). */
    public void loadAlertCounts(Consumer<List<AlertCounts>> onList, Consumer<Throwable> onFailure) {
        background.run(() -> api.alerts().counts(), onList, onFailure);
    }

    public ScheduledFuture<?> every(Duration period, Runnable action) {
        return background.every(period, action);
    }
}

package io.pganalytics.console.alerting;

import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.DeliveryResult;
import io.pganalytics.common.alerting.EscalationPolicy;
import io.pganalytics.common.alerting.MaintenanceWindow;
import io.pganalytics.common.alerting.NotificationRoute;
import io.pganalytics.common.alerting.OnCallContact;
import io.pganalytics.common.alerting.OnCallNow;
import io.pganalytics.common.alerting.OnCallOverride;
import io.pganalytics.common.alerting.OnCallSchedule;
import io.pganalytics.common.alerting.Receiver;
import io.pganalytics.common.alerting.RuleEffectiveness;
import io.pganalytics.common.alerting.RulePreview;
import io.pganalytics.common.alerting.SignalInfo;
import io.pganalytics.common.alerting.SuppressedAlert;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.console.admin.AdminService;
import io.pganalytics.console.api.AlertingAdminApi;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.common.Background;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Alerting's configuration calls, off the FX thread: reads on the session, changes through {@link AdminService} (so a
 * delete the server wants confirmed shows its summary, and a step-up asks for a second factor) with results on the FX
 * thread.
 */
public final class AlertingService {
    /** How many instances the scope choosers offer. */
    static final int INSTANCES = 500;
    /** How far back the rule preview looks. */
    static final int PREVIEW_DAYS = AlertingAdminApi.MAX_PREVIEW_DAYS;

    private final ConsoleApi api;
    private final Background background;
    private final AdminService changes;

    public AlertingService(ConsoleApi api, Background background, AdminService changes) {
        this.api = api;
        this.background = background;
        this.changes = changes;
    }

    /** Reads on the session. */
    <T> void read(Function<AlertingAdminApi, T> work, Consumer<T> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> work.apply(api.alertingAdmin()), onResult, onFailure);
    }

    /** A change: confirmed first when the server asks, with a second factor when it wants one. */
    <T> void change(Function<AlertingAdminApi, T> work, Consumer<T> onResult, Consumer<Throwable> onFailure) {
        changes.alertingChange(work, onResult, onFailure);
    }

    /** A change with no answer ({@code DELETE}). */
    void remove(Consumer<AlertingAdminApi> work, Runnable onDone, Consumer<Throwable> onFailure) {
        changes.alertingChange(a -> {
            work.accept(a);
            return true;
        }, done -> onDone.run(), onFailure);
    }

    public void instances(Consumer<List<InstanceSummary>> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.instances(INSTANCES).items(), onResult, onFailure);
    }

    public void rules(Consumer<List<AlertRule>> onResult, Consumer<Throwable> onFailure) {
        read(AlertingAdminApi::rules, onResult, onFailure);
    }

    public void signals(Consumer<List<SignalInfo>> onResult, Consumer<Throwable> onFailure) {
        read(AlertingAdminApi::signals, onResult, onFailure);
    }

    public void preview(AlertRule rule, Consumer<RulePreview> onResult, Consumer<Throwable> onFailure) {
        read(a -> a.preview(rule, PREVIEW_DAYS), onResult, onFailure);
    }

    public void saveRule(AlertRule rule, Consumer<AlertRule> onResult, Consumer<Throwable> onFailure) {
        change(a -> rule.id() == null ? a.createRule(rule) : a.updateRule(rule.id(), rule), onResult, onFailure);
    }

    public void deleteRule(long id, Runnable onDone, Consumer<Throwable> onFailure) {
        remove(a -> a.deleteRule(id), onDone, onFailure);
    }

    public void effectiveness(int days, Consumer<List<RuleEffectiveness>> onResult, Consumer<Throwable> onFailure) {
        read(a -> a.effectiveness(days), onResult, onFailure);
    }

    public void maintenanceWindows(Consumer<List<MaintenanceWindow>> onResult, Consumer<Throwable> onFailure) {
        read(AlertingAdminApi::maintenanceWindows, onResult, onFailure);
    }

    public void suppressedByWindow(long id, Consumer<List<SuppressedAlert>> onResult, Consumer<Throwable> onFailure) {
        read(a -> a.suppressedByWindow(id), onResult, onFailure);
    }

    public void saveMaintenanceWindow(MaintenanceWindow window, Consumer<MaintenanceWindow> onResult, Consumer<Throwable> onFailure) {
        change(a -> window.id() == null ? a.createMaintenanceWindow(window) : a.updateMaintenanceWindow(window.id(), window), onResult, onFailure);
    }

    public void deleteMaintenanceWindow(long id, Runnable onDone, Consumer<Throwable> onFailure) {
        remove(a -> a.deleteMaintenanceWindow(id), onDone, onFailure);
    }

    public void onCallNow(Consumer<List<OnCallNow>> onResult, Consumer<Throwable> onFailure) {
        read(AlertingAdminApi::onCallNow, onResult, onFailure);
    }

    public void schedules(Consumer<List<OnCallSchedule>> onResult, Consumer<Throwable> onFailure) {
        read(AlertingAdminApi::schedules, onResult, onFailure);
    }

    public void contacts(Consumer<List<OnCallContact>> onResult, Consumer<Throwable> onFailure) {
        read(AlertingAdminApi::contacts, onResult, onFailure);
    }

    public void addOverride(long scheduleId, OnCallOverride override, Consumer<OnCallOverride> onResult, Consumer<Throwable> onFailure) {
        change(a -> a.addOverride(scheduleId, override), onResult, onFailure);
    }

    public void removeOverride(long scheduleId, long overrideId, Runnable onDone, Consumer<Throwable> onFailure) {
        remove(a -> a.removeOverride(scheduleId, overrideId), onDone, onFailure);
    }

    public void receivers(Consumer<List<Receiver>> onResult, Consumer<Throwable> onFailure) {
        read(AlertingAdminApi::receivers, onResult, onFailure);
    }

    public void saveReceiver(Receiver receiver, Consumer<Receiver> onResult, Consumer<Throwable> onFailure) {
        change(a -> receiver.id() == null ? a.createReceiver(receiver) : a.updateReceiver(receiver.id(), receiver), onResult, onFailure);
    }

    public void deleteReceiver(long id, Runnable onDone, Consumer<Throwable> onFailure) {
        remove(a -> a.deleteReceiver(id), onDone, onFailure);
    }

    public void testReceiver(long id, Consumer<DeliveryResult> onResult, Consumer<Throwable> onFailure) {
        change(a -> a.testReceiver(id), onResult, onFailure);
    }

    public void routes(Consumer<List<NotificationRoute>> onResult, Consumer<Throwable> onFailure) {
        read(AlertingAdminApi::routes, onResult, onFailure);
    }

    public void escalationPolicies(Consumer<List<EscalationPolicy>> onResult, Consumer<Throwable> onFailure) {
        read(AlertingAdminApi::escalationPolicies, onResult, onFailure);
    }

    public void saveRoute(NotificationRoute route, Consumer<NotificationRoute> onResult, Consumer<Throwable> onFailure) {
        change(a -> route.id() == null ? a.createRoute(route) : a.updateRoute(route.id(), route), onResult, onFailure);
    }

    public void deleteRoute(long id, Runnable onDone, Consumer<Throwable> onFailure) {
        remove(a -> a.deleteRoute(id), onDone, onFailure);
    }
}

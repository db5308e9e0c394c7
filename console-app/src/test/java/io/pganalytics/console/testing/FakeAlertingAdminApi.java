package io.pganalytics.console.testing;

import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.DeliveryResult;
import io.pganalytics.common.alerting.EscalationPolicy;
import io.pganalytics.common.alerting.InstanceLabels;
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
import io.pganalytics.common.alerting.Silence;
import io.pganalytics.common.alerting.SuppressedAlert;
import io.pganalytics.common.api.ApiError;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.console.api.AlertingAdminApi;
import io.pganalytics.console.api.ApiException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The alerting configuration calls of {@link FakeConsoleApi}: an in-memory store that numbers, versions and answers as
 * the server does (409 on a stale version, 404 on an unknown id, secrets never answered, only named), refuses changes
 * as for a viewer when {@link #viewer} is set (403), and passes deletes through {@code guard} (the fake's 428
 * confirmations).
 */
public final class FakeAlertingAdminApi implements AlertingAdminApi {
    public final List<String> calls = new CopyOnWriteArrayList<>();
    public final List<AlertRule> rules = new CopyOnWriteArrayList<>();
    public List<SignalInfo> signals = List.of(
            new SignalInfo("connection_saturation_ratio", "connection saturation", "ratio", "connections / max_connections"),
            new SignalInfo("lock_waiting_connections", "sessions waiting on a lock", "connections", "sessions in a lock wait"),
            new SignalInfo("replication_lag_seconds", "replication lag", "s", "replay lag of the slowest standby"),
            new SignalInfo("collected", "collections", "count", "1 at each collection of the instance"));
    /** What {@link #preview} answers; the rule it was asked about is kept in {@link #previewed}. */
    public RulePreview preview = new RulePreview(Instant.now().minusSeconds(7 * 86_400), Instant.now(), 0, 0, List.of(), false);
    public final List<AlertRule> previewed = new CopyOnWriteArrayList<>();
    public List<RuleEffectiveness> effectiveness = List.of();
    public List<Silence> silences = List.of();
    public final List<MaintenanceWindow> windows = new CopyOnWriteArrayList<>();
    /** Window id -> what it suppressed. */
    public final Map<Long, List<SuppressedAlert>> suppressed = new HashMap<>();
    public final List<OnCallSchedule> schedules = new CopyOnWriteArrayList<>();
    public List<OnCallNow> now = List.of();
    public final List<OnCallContact> contacts = new CopyOnWriteArrayList<>();
    public final List<EscalationPolicy> policies = new CopyOnWriteArrayList<>();
    public final List<Receiver> receivers = new CopyOnWriteArrayList<>();
    /** Receiver id -> the secrets last sent for it (never answered). */
    public final Map<Long, Map<String, String>> storedSecrets = new HashMap<>();
    public final List<NotificationRoute> routes = new CopyOnWriteArrayList<>();
    public final Map<Long, InstanceLabels> labels = new HashMap<>();
    public DeliveryResult testResult = new DeliveryResult(true, 200, null, 12);
    /** When true, changes are refused as for a viewer. */
    public volatile boolean viewer;
    private final Runnable guard;
    private long ids = 100;

    public FakeAlertingAdminApi(Runnable guard) {
        this.guard = guard;
    }

    // ---- rules

    @Override
    public List<AlertRule> rules() {
        calls.add("rules");
        return List.copyOf(rules);
    }

    @Override
    public AlertRule rule(long id) {
        calls.add("rule " + id);
        return rules.stream().filter(r -> r.id() == id).findFirst().orElseThrow(() -> notFound("rule", id));
    }

    @Override
    public synchronized AlertRule createRule(AlertRule rule) {
        calls.add("createRule " + rule.name());
        refuseViewer();
        AlertRule saved = withId(rule, ++ids, 1);
        rules.add(saved);
        return saved;
    }

    @Override
    public synchronized AlertRule updateRule(long id, AlertRule rule) {
        calls.add("updateRule " + id);
        refuseViewer();
        AlertRule stored = rule(id);
        if (stored.version() != rule.version()) {
            throw conflict("rule " + id);
        }
        AlertRule saved = withId(rule, id, stored.version() + 1);
        rules.set(rules.indexOf(stored), saved);
        return saved;
    }

    private static AlertRule withId(AlertRule r, long id, long version) {
        return new AlertRule(id, r.name(), r.description(), r.packKey(), r.enabled(), r.severity(), r.condition(), r.forDuration(), r.scope(),
                r.labels(), r.summary(), r.escalation(), r.sensitivityFactor() == 0 ? 1 : r.sensitivityFactor(), "admin", Instant.now(), version);
    }

    @Override
    public void deleteRule(long id) {
        calls.add("deleteRule " + id);
        refuseViewer();
        guard.run();
        rules.removeIf(r -> r.id() == id);
    }

    @Override
    public List<SignalInfo> signals() {
        calls.add("signals");
        return signals;
    }

    @Override
    public RulePreview preview(AlertRule rule, int days) {
        calls.add("preview " + rule.name() + " " + days);
        previewed.add(rule);
        return preview;
    }

    @Override
    public List<RuleEffectiveness> effectiveness(int days) {
        calls.add("effectiveness " + days);
        return effectiveness;
    }

    // ---- silences and maintenance windows

    @Override
    public List<Silence> silences() {
        calls.add("silences");
        return silences;
    }

    @Override
    public List<SuppressedAlert> suppressedBySilence(long silenceId) {
        calls.add("suppressedBySilence " + silenceId);
        return List.of();
    }

    @Override
    public List<MaintenanceWindow> maintenanceWindows() {
        calls.add("maintenanceWindows");
        return List.copyOf(windows);
    }

    @Override
    public synchronized MaintenanceWindow createMaintenanceWindow(MaintenanceWindow w) {
        calls.add("createMaintenanceWindow " + w.name());
        refuseViewer();
        MaintenanceWindow saved = new MaintenanceWindow(++ids, w.name(), w.scope(), w.startsAt(), w.endsAt(), w.recurrence(), w.reason(), "operator",
                Instant.now(), 1, false, w.startsAt());
        windows.add(saved);
        return saved;
    }

    @Override
    public synchronized MaintenanceWindow updateMaintenanceWindow(long id, MaintenanceWindow w) {
        calls.add("updateMaintenanceWindow " + id);
        refuseViewer();
        MaintenanceWindow stored = windows.stream().filter(x -> x.id() == id).findFirst().orElseThrow(() -> notFound("maintenance window", id));
        if (stored.version() != w.version()) {
            throw conflict("maintenance window " + id);
        }
        MaintenanceWindow saved = new MaintenanceWindow(id, w.name(), w.scope(), w.startsAt(), w.endsAt(), w.recurrence(), w.reason(),
                stored.createdBy(), Instant.now(), stored.version() + 1, stored.activeNow(), w.startsAt());
        windows.set(windows.indexOf(stored), saved);
        return saved;
    }

    @Override
    public void deleteMaintenanceWindow(long id) {
        calls.add("deleteMaintenanceWindow " + id);
        refuseViewer();
        windows.removeIf(w -> w.id() == id);
    }

    @Override
    public List<SuppressedAlert> suppressedByWindow(long windowId) {
        calls.add("suppressedByWindow " + windowId);
        return suppressed.getOrDefault(windowId, List.of());
    }

    // ---- on-call

    @Override
    public List<OnCallSchedule> schedules() {
        calls.add("schedules");
        return List.copyOf(schedules);
    }

    @Override
    public synchronized OnCallSchedule createSchedule(OnCallSchedule s) {
        calls.add("createSchedule " + s.name());
        refuseViewer();
        OnCallSchedule saved = new OnCallSchedule(++ids, s.name(), s.timeZone(), s.rotations(), List.of(), 1);
        schedules.add(saved);
        return saved;
    }

    @Override
    public synchronized OnCallSchedule updateSchedule(long id, OnCallSchedule s) {
        calls.add("updateSchedule " + id);
        refuseViewer();
        OnCallSchedule stored = schedule(id);
        OnCallSchedule saved = new OnCallSchedule(id, s.name(), s.timeZone(), s.rotations(), stored.overrides(), stored.version() + 1);
        schedules.set(schedules.indexOf(stored), saved);
        return saved;
    }

    @Override
    public void deleteSchedule(long id) {
        calls.add("deleteSchedule " + id);
        refuseViewer();
        guard.run();
        schedules.removeIf(s -> s.id() == id);
    }

    private OnCallSchedule schedule(long id) {
        return schedules.stream().filter(s -> s.id() == id).findFirst().orElseThrow(() -> notFound("schedule", id));
    }

    @Override
    public List<OnCallNow> onCallNow() {
        calls.add("onCallNow");
        return now;
    }

    @Override
    public synchronized OnCallOverride addOverride(long scheduleId, OnCallOverride o) {
        calls.add("addOverride " + scheduleId + " " + o.userId());
        refuseViewer();
        OnCallSchedule stored = schedule(scheduleId);
        OnCallOverride saved = new OnCallOverride(++ids, o.userId(), o.startsAt(), o.endsAt(), o.reason());
        List<OnCallOverride> overrides = new ArrayList<>(stored.overrides());
        overrides.add(saved);
        schedules.set(schedules.indexOf(stored), new OnCallSchedule(stored.id(), stored.name(), stored.timeZone(), stored.rotations(), overrides,
                stored.version()));
        return saved;
    }

    @Override
    public synchronized void removeOverride(long scheduleId, long overrideId) {
        calls.add("removeOverride " + scheduleId + " " + overrideId);
        refuseViewer();
        OnCallSchedule stored = schedule(scheduleId);
        List<OnCallOverride> overrides = stored.overrides().stream().filter(o -> o.id() != overrideId).toList();
        schedules.set(schedules.indexOf(stored), new OnCallSchedule(stored.id(), stored.name(), stored.timeZone(), stored.rotations(), overrides,
                stored.version()));
    }

    @Override
    public List<OnCallContact> contacts() {
        calls.add("contacts");
        return List.copyOf(contacts);
    }

    @Override
    public synchronized OnCallContact updateContact(long userId, OnCallContact contact) {
        calls.add("updateContact " + userId);
        refuseViewer();
        contacts.removeIf(c -> c.userId() == userId);
        contacts.add(contact);
        return contact;
    }

    @Override
    public List<EscalationPolicy> escalationPolicies() {
        calls.add("escalationPolicies");
        return List.copyOf(policies);
    }

    @Override
    public synchronized EscalationPolicy createEscalationPolicy(EscalationPolicy p) {
        calls.add("createEscalationPolicy " + p.name());
        refuseViewer();
        EscalationPolicy saved = new EscalationPolicy(++ids, p.name(), p.levels(), p.repeat(), p.emailReceiverId(), 1);
        policies.add(saved);
        return saved;
    }

    @Override
    public synchronized EscalationPolicy updateEscalationPolicy(long id, EscalationPolicy p) {
        calls.add("updateEscalationPolicy " + id);
        refuseViewer();
        policies.removeIf(x -> x.id() == id);
        EscalationPolicy saved = new EscalationPolicy(id, p.name(), p.levels(), p.repeat(), p.emailReceiverId(), p.version() + 1);
        policies.add(saved);
        return saved;
    }

    @Override
    public void deleteEscalationPolicy(long id) {
        calls.add("deleteEscalationPolicy " + id);
        refuseViewer();
        guard.run();
        policies.removeIf(p -> p.id() == id);
    }

    // ---- receivers and routes

    @Override
    public List<Receiver> receivers() {
        calls.add("receivers");
        return List.copyOf(receivers);
    }

    @Override
    public synchronized Receiver createReceiver(Receiver r) {
        calls.add("createReceiver " + r.name() + " secrets " + r.secrets().keySet());
        refuseViewer();
        long id = ++ids;
        storedSecrets.put(id, new HashMap<>(r.secrets()));
        Receiver saved = new Receiver(id, r.name(), r.kind(), r.settings(), null, List.copyOf(r.secrets().keySet()), Instant.now(), 1);
        receivers.add(saved);
        return saved;
    }

    @Override
    public synchronized Receiver updateReceiver(long id, Receiver r) {
        calls.add("updateReceiver " + id + " secrets " + r.secrets().keySet());
        refuseViewer();
        Receiver stored = receivers.stream().filter(x -> x.id() == id).findFirst().orElseThrow(() -> notFound("receiver", id));
        if (stored.version() != r.version()) {
            throw conflict("receiver " + id);
        }
        Map<String, String> secrets = storedSecrets.computeIfAbsent(id, k -> new HashMap<>());
        secrets.putAll(r.secrets());
        Receiver saved = new Receiver(id, r.name(), r.kind(), r.settings(), null, secrets.keySet().stream().sorted().toList(), Instant.now(),
                stored.version() + 1);
        receivers.set(receivers.indexOf(stored), saved);
        return saved;
    }

    @Override
    public void deleteReceiver(long id) {
        calls.add("deleteReceiver " + id);
        refuseViewer();
        guard.run();
        receivers.removeIf(r -> r.id() == id);
    }

    @Override
    public DeliveryResult testReceiver(long id) {
        calls.add("testReceiver " + id);
        refuseViewer();
        return testResult;
    }

    @Override
    public List<NotificationRoute> routes() {
        calls.add("routes");
        return List.copyOf(routes);
    }

    @Override
    public synchronized NotificationRoute createRoute(NotificationRoute r) {
        calls.add("createRoute " + r.name());
        refuseViewer();
        NotificationRoute saved = new NotificationRoute(++ids, r.position(), r.name(), r.matchers(), r.receiverId(), r.escalationPolicyId(),
                r.groupWait(), r.groupInterval(), r.repeatInterval(), r.continueMatching(), 1);
        routes.add(saved);
        return saved;
    }

    @Override
    public synchronized NotificationRoute updateRoute(long id, NotificationRoute r) {
        calls.add("updateRoute " + id);
        refuseViewer();
        NotificationRoute stored = routes.stream().filter(x -> x.id() == id).findFirst().orElseThrow(() -> notFound("route", id));
        NotificationRoute saved = new NotificationRoute(id, r.position(), r.name(), r.matchers(), r.receiverId(), r.escalationPolicyId(),
                r.groupWait(), r.groupInterval(), r.repeatInterval(), r.continueMatching(), stored.version() + 1);
        routes.set(routes.indexOf(stored), saved);
        return saved;
    }

    @Override
    public void deleteRoute(long id) {
        calls.add("deleteRoute " + id);
        refuseViewer();
        guard.run();
        routes.removeIf(r -> r.id() == id);
    }

    // ---- labels

    @Override
    public InstanceLabels labels(long instanceId) {
        calls.add("labels " + instanceId);
        return labels.getOrDefault(instanceId, new InstanceLabels(instanceId, Map.of()));
    }

    @Override
    public InstanceLabels updateLabels(long instanceId, InstanceLabels changed) {
        calls.add("updateLabels " + instanceId);
        refuseViewer();
        InstanceLabels saved = new InstanceLabels(instanceId, changed.labels());
        labels.put(instanceId, saved);
        return saved;
    }

    private void refuseViewer() {
        if (viewer) {
            throw ApiException.rejected(ApiError.of(ErrorType.FORBIDDEN, "this needs the operator or admin role"));
        }
    }

    private static ApiException notFound(String what, long id) {
        return ApiException.rejected(ApiError.of(ErrorType.NOT_FOUND, what + " " + id + " does not exist"));
    }

    private static ApiException conflict(String what) {
        return ApiException.rejected(ApiError.of(ErrorType.CONFLICT, what + " was changed by someone else: reload it"));
    }
}

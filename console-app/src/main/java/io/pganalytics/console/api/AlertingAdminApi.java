package io.pganalytics.console.api;

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

import java.util.List;

/**
 * Alerting's configuration ({@code /api/v1/rules}, {@code /silences}, {@code /maintenance-windows}, {@code /oncall},
 * {@code /receivers}, {@code /routes}, {@code /instances/{id}/labels}; docs/API.md "Alerting"): on a session
 * ({@link ConsoleApi#alertingAdmin()}), or carrying a confirmation token ({@link AdminApi#alerting()} after
 * {@link AdminApi#confirmed(String)}). Every method blocks (call it off the FX thread) and fails with an
 * {@link ApiException}. The server checks the role of every call: viewers read (not receivers' settings), operators
 * change rules, silences, maintenance windows, labels and overrides, admins receivers, routes, schedules, contacts and
 * escalation policies. Deleting a rule, receiver, route, schedule or policy is answered 428 {@code confirmation_required}
 * first: repeat it through {@link AdminApi#confirmed(String)}{@code .alerting()}.
 */
public interface AlertingAdminApi {
    /** The most days a rule preview looks back. */
    int MAX_PREVIEW_DAYS = 7;
    /** The most days the effectiveness figures cover. */
    int MAX_EFFECTIVENESS_DAYS = 90;

    // ---- rules

    List<AlertRule> rules();

    AlertRule rule(long id);

    AlertRule createRule(AlertRule rule);

    /** Replaces a rule; its {@link AlertRule#version()} must be the stored one (else 409). */
    AlertRule updateRule(long id, AlertRule rule);

    void deleteRule(long id);

    /** The values a condition can test. */
    List<SignalInfo> signals();

    /** What {@code rule} (saved or not) would have fired over the last {@code days} days (1 to {@link #MAX_PREVIEW_DAYS}). */
    RulePreview preview(AlertRule rule, int days);

    /** Every rule's figures over the last {@code days} days, with suggestions for the noisy ones. */
    List<RuleEffectiveness> effectiveness(int days);

    // ---- silences and maintenance windows

    /** The silences, active and pending first (silencing itself is on the Alerts screen). */
    List<Silence> silences();

    /** The alerts a silence held back. */
    List<SuppressedAlert> suppressedBySilence(long silenceId);

    List<MaintenanceWindow> maintenanceWindows();

    MaintenanceWindow createMaintenanceWindow(MaintenanceWindow window);

    MaintenanceWindow updateMaintenanceWindow(long id, MaintenanceWindow window);

    void deleteMaintenanceWindow(long id);

    /** The alerts a maintenance window held back (and when). */
    List<SuppressedAlert> suppressedByWindow(long windowId);

    // ---- on-call

    List<OnCallSchedule> schedules();

    OnCallSchedule createSchedule(OnCallSchedule schedule);

    OnCallSchedule updateSchedule(long id, OnCallSchedule schedule);

    void deleteSchedule(long id);

    /** Who is on call now in every schedule, and the next hand-offs. */
    List<OnCallNow> onCallNow();

    OnCallOverride addOverride(long scheduleId, OnCallOverride override);

    void removeOverride(long scheduleId, long overrideId);

    List<OnCallContact> contacts();

    OnCallContact updateContact(long userId, OnCallContact contact);

    List<EscalationPolicy> escalationPolicies();

    EscalationPolicy createEscalationPolicy(EscalationPolicy policy);

    EscalationPolicy updateEscalationPolicy(long id, EscalationPolicy policy);

    void deleteEscalationPolicy(long id);

    // ---- receivers and routes (admins)

    /** The receivers; their secrets are never answered, only which are set. */
    List<Receiver> receivers();

    /** A new receiver; its secrets travel in {@link Receiver#secrets()} and are never sent back. */
    Receiver createReceiver(Receiver receiver);

    /** Replaces a receiver's settings; a secret left out keeps the stored one. */
    Receiver updateReceiver(long id, Receiver receiver);

    void deleteReceiver(long id);

    /** Sends a test message through a receiver. */
    DeliveryResult testReceiver(long id);

    List<NotificationRoute> routes();

    NotificationRoute createRoute(NotificationRoute route);

    NotificationRoute updateRoute(long id, NotificationRoute route);

    void deleteRoute(long id);

    // ---- instance labels

    InstanceLabels labels(long instanceId);

    InstanceLabels updateLabels(long instanceId, InstanceLabels labels);
}

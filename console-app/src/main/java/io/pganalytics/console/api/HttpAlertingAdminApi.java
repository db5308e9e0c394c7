package io.pganalytics.console.api;

import com.fasterxml.jackson.core.type.TypeReference;
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

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/** {@link AlertingAdminApi} over the session of an {@link HttpConsoleApi}: the same tokens, refresh and errors, and extra headers. */
final class HttpAlertingAdminApi implements AlertingAdminApi {
    private final HttpConsoleApi api;
    private final Map<String, String> headers;

    HttpAlertingAdminApi(HttpConsoleApi api, Map<String, String> headers) {
        this.api = api;
        this.headers = Map.copyOf(headers);
    }

    @Override
    public List<AlertRule> rules() {
        return list("/rules", new TypeReference<List<AlertRule>>() { });
    }

    @Override
    public AlertRule rule(long id) {
        return api.decode(call("GET", "/rules/" + id, null), AlertRule.class);
    }

    @Override
    public AlertRule createRule(AlertRule rule) {
        return api.decode(call("POST", "/rules", rule), AlertRule.class);
    }

    @Override
    public AlertRule updateRule(long id, AlertRule rule) {
        return api.decode(call("PUT", "/rules/" + id, rule), AlertRule.class);
    }

    @Override
    public void deleteRule(long id) {
        api.expectSuccess(call("DELETE", "/rules/" + id, null));
    }

    @Override
    public List<SignalInfo> signals() {
        return list("/rules/signals", new TypeReference<List<SignalInfo>>() { });
    }

    @Override
    public RulePreview preview(AlertRule rule, int days) {
        if (days < 1 || days > MAX_PREVIEW_DAYS) {
            throw new IllegalArgumentException("a preview looks back 1 to " + MAX_PREVIEW_DAYS + " days, not " + days);
        }
        return api.decode(call("POST", "/rules/preview?days=" + days, rule), RulePreview.class);
    }

    @Override
    public List<RuleEffectiveness> effectiveness(int days) {
        if (days < 1 || days > MAX_EFFECTIVENESS_DAYS) {
            throw new IllegalArgumentException("effectiveness covers 1 to " + MAX_EFFECTIVENESS_DAYS + " days, not " + days);
        }
        return list("/rules/effectiveness?days=" + days, new TypeReference<List<RuleEffectiveness>>() { });
    }

    @Override
    public List<Silence> silences() {
        return list("/silences", new TypeReference<List<Silence>>() { });
    }

    @Override
    public List<SuppressedAlert> suppressedBySilence(long silenceId) {
        return list("/silences/" + silenceId + "/suppressed", new TypeReference<List<SuppressedAlert>>() { });
    }

    @Override
    public List<MaintenanceWindow> maintenanceWindows() {
        return list("/maintenance-windows", new TypeReference<List<MaintenanceWindow>>() { });
    }

    @Override
    public MaintenanceWindow createMaintenanceWindow(MaintenanceWindow window) {
        return api.decode(call("POST", "/maintenance-windows", window), MaintenanceWindow.class);
    }

    @Override
    public MaintenanceWindow updateMaintenanceWindow(long id, MaintenanceWindow window) {
        return api.decode(call("PUT", "/maintenance-windows/" + id, window), MaintenanceWindow.class);
    }

    @Override
    public void deleteMaintenanceWindow(long id) {
        api.expectSuccess(call("DELETE", "/maintenance-windows/" + id, null));
    }

    @Override
    public List<SuppressedAlert> suppressedByWindow(long windowId) {
        return list("/maintenance-windows/" + windowId + "/suppressed", new TypeReference<List<SuppressedAlert>>() { });
    }

    @Override
    public List<OnCallSchedule> schedules() {
        return list("/oncall/schedules", new TypeReference<List<OnCallSchedule>>() { });
    }

    @Override
    public OnCallSchedule createSchedule(OnCallSchedule schedule) {
        return api.decode(call("POST", "/oncall/schedules", schedule), OnCallSchedule.class);
    }

    @Override
    public OnCallSchedule updateSchedule(long id, OnCallSchedule schedule) {
        return api.decode(call("PUT", "/oncall/schedules/" + id, schedule), OnCallSchedule.class);
    }

    @Override
    public void deleteSchedule(long id) {
        api.expectSuccess(call("DELETE", "/oncall/schedules/" + id, null));
    }

    @Override
    public List<OnCallNow> onCallNow() {
        return list("/oncall/now", new TypeReference<List<OnCallNow>>() { });
    }

    @Override
    public OnCallOverride addOverride(long scheduleId, OnCallOverride override) {
        return api.decode(call("POST", "/oncall/schedules/" + scheduleId + "/overrides", override), OnCallOverride.class);
    }

    @Override
    public void removeOverride(long scheduleId, long overrideId) {
        api.expectSuccess(call("DELETE", "/oncall/schedules/" + scheduleId + "/overrides/" + overrideId, null));
    }

    @Override
    public List<OnCallContact> contacts() {
        return list("/oncall/contacts", new TypeReference<List<OnCallContact>>() { });
    }

    @Override
    public OnCallContact updateContact(long userId, OnCallContact contact) {
        return api.decode(call("PUT", "/oncall/contacts/" + userId, contact), OnCallContact.class);
    }

    @Override
    public List<EscalationPolicy> escalationPolicies() {
        return list("/oncall/escalation-policies", new TypeReference<List<EscalationPolicy>>() { });
    }

    @Override
    public EscalationPolicy createEscalationPolicy(EscalationPolicy policy) {
        return api.decode(call("POST", "/oncall/escalation-policies", policy), EscalationPolicy.class);
    }

    @Override
    public EscalationPolicy updateEscalationPolicy(long id, EscalationPolicy policy) {
        return api.decode(call("PUT", "/oncall/escalation-policies/" + id, policy), EscalationPolicy.class);
    }

    @Override
    public void deleteEscalationPolicy(long id) {
        api.expectSuccess(call("DELETE", "/oncall/escalation-policies/" + id, null));
    }

    @Override
    public List<Receiver> receivers() {
        return list("/receivers", new TypeReference<List<Receiver>>() { });
    }

    @Override
    public Receiver createReceiver(Receiver receiver) {
        return api.decode(call("POST", "/receivers", receiver), Receiver.class);
    }

    @Override
    public Receiver updateReceiver(long id, Receiver receiver) {
        return api.decode(call("PUT", "/receivers/" + id, receiver), Receiver.class);
    }

    @Override
    public void deleteReceiver(long id) {
        api.expectSuccess(call("DELETE", "/receivers/" + id, null));
    }

    @Override
    public DeliveryResult testReceiver(long id) {
        return api.decode(call("POST", "/receivers/" + id + "/test", null), DeliveryResult.class);
    }

    @Override
    public List<NotificationRoute> routes() {
        return list("/routes", new TypeReference<List<NotificationRoute>>() { });
    }

    @Override
    public NotificationRoute createRoute(NotificationRoute route) {
        return api.decode(call("POST", "/routes", route), NotificationRoute.class);
    }

    @Override
    public NotificationRoute updateRoute(long id, NotificationRoute route) {
        return api.decode(call("PUT", "/routes/" + id, route), NotificationRoute.class);
    }

    @Override
    public void deleteRoute(long id) {
        api.expectSuccess(call("DELETE", "/routes/" + id, null));
    }

    @Override
    public InstanceLabels labels(long instanceId) {
        return api.decode(call("GET", "/instances/" + instanceId + "/labels", null), InstanceLabels.class);
    }

    @Override
    public InstanceLabels updateLabels(long instanceId, InstanceLabels labels) {
        return api.decode(call("PUT", "/instances/" + instanceId + "/labels", labels), InstanceLabels.class);
    }

    private <T> List<T> list(String path, TypeReference<List<T>> type) {
        return api.decode(call("GET", path, null), type);
    }

    private HttpResponse<String> call(String method, String path, Object body) {
        return api.authenticated(method, path, body, true, headers);
    }
}

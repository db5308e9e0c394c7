package io.pganalytics.console.alerting;

import io.pganalytics.common.alerting.EscalationPolicy;
import io.pganalytics.common.alerting.NotificationRoute;
import io.pganalytics.common.alerting.Receiver;
import io.pganalytics.console.admin.AdminService;
import io.pganalytics.console.common.Figures;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Administration's notification tab: receivers (email, webhook, Slack, Teams, PagerDuty) with their settings and a
 * write-only secret (the server only says whether it is set; a value typed here replaces it, a blank keeps it; the field
 * is emptied once sent), a test send; and routes (matchers, a receiver or an escalation policy, group timings,
 * continue), in position order. Admins only; the server checks again.
 */
public final class ReceiversViewModel {
    public static final List<String> KINDS = List.of(Receiver.EMAIL, Receiver.WEBHOOK, Receiver.SLACK, Receiver.TEAMS, Receiver.PAGERDUTY);
    static final int MAX_SETTINGS = 20;

    /** A receiver as the table shows it. */
    public record ReceiverRow(long id, String name, String kind, String settings, String secret, String updated, Receiver receiver) {
    }

    /** A route as the table shows it. */
    public record RouteRow(long id, String position, String name, String matchers, String target, String timings, String continues,
                           NotificationRoute route) {
    }

    private final AlertingService service;
    private final ObservableList<ReceiverRow> receivers = FXCollections.observableArrayList();
    private final ObjectProperty<ReceiverRow> selectedReceiver = new SimpleObjectProperty<>();
    private final StringProperty receiverName = new SimpleStringProperty("");
    private final StringProperty kind = new SimpleStringProperty(Receiver.EMAIL);
    private final StringProperty settings = new SimpleStringProperty("");
    private final StringProperty secret = new SimpleStringProperty("");
    private final StringProperty secretName = new SimpleStringProperty("");
    private final StringProperty secretState = new SimpleStringProperty("");
    private final ObservableList<RouteRow> routes = FXCollections.observableArrayList();
    private final ObjectProperty<RouteRow> selectedRoute = new SimpleObjectProperty<>();
    private final ObservableList<String> targets = FXCollections.observableArrayList();
    private final StringProperty routeName = new SimpleStringProperty("");
    private final StringProperty position = new SimpleStringProperty("10");
    private final StringProperty matchers = new SimpleStringProperty("");
    private final StringProperty target = new SimpleStringProperty("");
    private final StringProperty groupWait = new SimpleStringProperty("");
    private final StringProperty groupInterval = new SimpleStringProperty("");
    private final StringProperty repeatInterval = new SimpleStringProperty("");
    private final BooleanProperty continueMatching = new SimpleBooleanProperty();
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private final List<Receiver> knownReceivers = new ArrayList<>();
    private final List<EscalationPolicy> knownPolicies = new ArrayList<>();
    private Receiver editingReceiver;
    private NotificationRoute editingRoute;

    public ReceiversViewModel(AlertingService service) {
        this.service = service;
        kind.addListener((o, was, now) -> showSecretState());
        selectedReceiver.addListener((o, was, row) -> {
            if (row != null) {
                editReceiver(row.receiver());
            }
        });
        selectedRoute.addListener((o, was, row) -> {
            if (row != null) {
                editRoute(row.route());
            }
        });
        showSecretState();
    }

    /** The secret each kind stores (write-only). */
    static String secretOf(String kind) {
        return switch (kind == null ? "" : kind) {
            case Receiver.EMAIL -> "password";
            case Receiver.WEBHOOK -> "hmacKey";
            case Receiver.PAGERDUTY -> "routingKey";
            default -> "url";
        };
    }

    public void load() {
        service.receivers(found -> {
            knownReceivers.clear();
            knownReceivers.addAll(found);
            Long keep = selectedReceiver.get() == null ? null : selectedReceiver.get().id();
            receivers.setAll(found.stream().sorted(Comparator.comparing(Receiver::name)).map(ReceiversViewModel::row).toList());
            if (keep != null) {
                receivers.stream().filter(r -> r.id() == keep).findFirst().ifPresent(selectedReceiver::set);
            }
            service.escalationPolicies(policies -> {
                knownPolicies.clear();
                knownPolicies.addAll(policies);
                offerTargets();
                loadRoutes();
            }, failure -> {
                knownPolicies.clear();
                offerTargets();
                loadRoutes();
            });
        }, failure -> error.set(AlertingText.failure("Reading the receivers", failure)));
    }

    private void loadRoutes() {
        service.routes(found -> {
            Long keep = selectedRoute.get() == null ? null : selectedRoute.get().id();
            routes.setAll(found.stream().sorted(Comparator.comparingInt(NotificationRoute::position)).map(this::row).toList());
            if (keep != null) {
                routes.stream().filter(r -> r.id() == keep).findFirst().ifPresent(selectedRoute::set);
            }
        }, failure -> error.set(AlertingText.failure("Reading the routes", failure)));
    }

    private void offerTargets() {
        List<String> names = new ArrayList<>();
        knownReceivers.stream().map(r -> "receiver: " + r.name()).sorted().forEach(names::add);
        knownPolicies.stream().map(p -> "policy: " + p.name()).sorted().forEach(names::add);
        targets.setAll(names);
    }

    private static ReceiverRow row(Receiver r) {
        String secretName = secretOf(r.kind());
        return new ReceiverRow(r.id(), r.name(), r.kind(), r.settings().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")),
                secretName + (r.secretsSet().contains(secretName) ? ": set" : ": not set"),
                r.updatedAt() == null ? Figures.NONE : Figures.time(r.updatedAt()), r);
    }

    private RouteRow row(NotificationRoute r) {
        String timings = "wait " + orDefault(r.groupWait()) + " · interval " + orDefault(r.groupInterval()) + " · repeat " + orDefault(r.repeatInterval());
        return new RouteRow(r.id(), Integer.toString(r.position()), r.name(), r.matchers().isEmpty() ? "every incident" : AlertingText.matchers(r.matchers()),
                targetName(r), timings, r.continueMatching() ? "continue" : "stop", r);
    }

    private static String orDefault(String duration) {
        return duration == null ? "default" : duration;
    }

    private String targetName(NotificationRoute r) {
        if (r.receiverId() != null) {
            return knownReceivers.stream().filter(x -> x.id().equals(r.receiverId())).map(x -> "receiver: " + x.name()).findFirst()
                    .orElse("receiver #" + r.receiverId());
        }
        return knownPolicies.stream().filter(p -> p.id().equals(r.escalationPolicyId())).map(p -> "policy: " + p.name()).findFirst()
                .orElse("policy #" + r.escalationPolicyId());
    }

    // ---- receivers

    public void newReceiver() {
        selectedReceiver.set(null);
        editingReceiver = null;
        receiverName.set("");
        kind.set(Receiver.EMAIL);
        settings.set("");
        secret.set("");
        showSecretState();
    }

    private void editReceiver(Receiver r) {
        editingReceiver = r;
        receiverName.set(r.name());
        kind.set(r.kind());
        settings.set(r.settings().entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n")));
        secret.set("");
        showSecretState();
    }

    private void showSecretState() {
        String name = secretOf(kind.get());
        secretName.set(name);
        boolean set = editingReceiver != null && editingReceiver.kind().equals(kind.get()) && editingReceiver.secretsSet().contains(name);
        secretState.set(set ? name + " is set: leave the field empty to keep it, or type a new one to replace it (it is never shown)."
                : name + " is not set" + (Receiver.EMAIL.equals(kind.get()) ? " (only needed when the SMTP server wants a login)." : "."));
    }

    /** {@code key=value} lines -> settings. */
    static Map<String, String> settings(String text) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String line : (text == null ? "" : text).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("Settings: one key=value per line (\"" + line.strip() + "\" is not).");
            }
            parsed.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        if (parsed.size() > MAX_SETTINGS) {
            throw new IllegalArgumentException("Settings: at most " + MAX_SETTINGS + ".");
        }
        return parsed;
    }

    Receiver receiver() {
        String n = receiverName.get() == null ? "" : receiverName.get().strip();
        if (n.isEmpty() || n.length() > 100) {
            throw new IllegalArgumentException("Name: give the receiver a name of at most 100 characters.");
        }
        if (!KINDS.contains(kind.get())) {
            throw new IllegalArgumentException("Kind: choose email, webhook, slack, teams or pagerduty.");
        }
        Map<String, String> secrets = secret.get() == null || secret.get().isEmpty() ? Map.of() : Map.of(secretOf(kind.get()), secret.get());
        return new Receiver(editingReceiver == null ? null : editingReceiver.id(), n, kind.get(), settings(settings.get()), secrets, null, null,
                editingReceiver == null ? 0 : editingReceiver.version());
    }

    public void saveReceiver() {
        Receiver receiver;
        try {
            receiver = receiver();
        } catch (IllegalArgumentException e) {
            error.set(e.getMessage());
            return;
        }
        error.set("");
        service.saveReceiver(receiver, saved -> {
            secret.set("");
            editReceiver(saved);
            status.set("Saved receiver " + saved.name() + ".");
            load();
        }, failure -> error.set(AlertingText.failure("Saving the receiver", failure)));
    }

    public void testReceiver() {
        ReceiverRow row = selectedReceiver.get();
        if (row == null) {
            return;
        }
        status.set("Sending a test message through " + row.name() + "…");
        service.testReceiver(row.id(), result -> {
            if (result.delivered()) {
                status.set("Test message delivered through " + row.name() + (result.status() == null ? "" : " (" + result.status() + ")")
                        + " in " + result.durationMs() + " ms.");
                error.set("");
            } else {
                status.set("");
                error.set("The test message through " + row.name() + " was not delivered: " + result.error()
                        + (result.status() == null ? "" : " (" + result.status() + ")"));
            }
        }, failure -> error.set(AlertingText.failure("The test send", failure)));
    }

    public void deleteReceiver() {
        ReceiverRow row = selectedReceiver.get();
        if (row == null) {
            return;
        }
        service.deleteReceiver(row.id(), () -> {
            newReceiver();
            status.set("Deleted receiver " + row.name() + ".");
            load();
        }, failure -> {
            if (!(failure instanceof AdminService.Cancelled)) {
                error.set(AlertingText.failure("Deleting " + row.name(), failure));
            }
        });
    }

    // ---- routes

    public void newRoute() {
        selectedRoute.set(null);
        editingRoute = null;
        routeName.set("");
        position.set(Integer.toString(routes.stream().mapToInt(r -> r.route().position()).max().orElse(0) + 10));
        matchers.set("");
        target.set(targets.isEmpty() ? "" : targets.getFirst());
        groupWait.set("");
        groupInterval.set("");
        repeatInterval.set("");
        continueMatching.set(false);
    }

    private void editRoute(NotificationRoute r) {
        editingRoute = r;
        routeName.set(r.name());
        position.set(Integer.toString(r.position()));
        matchers.set(AlertingText.matchers(r.matchers()));
        target.set(targetName(r));
        groupWait.set(r.groupWait() == null ? "" : r.groupWait());
        groupInterval.set(r.groupInterval() == null ? "" : r.groupInterval());
        repeatInterval.set(r.repeatInterval() == null ? "" : r.repeatInterval());
        continueMatching.set(r.continueMatching());
    }

    NotificationRoute route() {
        String n = routeName.get() == null ? "" : routeName.get().strip();
        if (n.isEmpty() || n.length() > 100) {
            throw new IllegalArgumentException("Name: say what the route is for, in at most 100 characters.");
        }
        int at;
        try {
            at = Integer.parseInt(position.get() == null ? "" : position.get().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Position: a whole number; routes are tried in position order.");
        }
        String chosen = target.get() == null ? "" : target.get();
        Long receiverId = knownReceivers.stream().filter(r -> ("receiver: " + r.name()).equals(chosen)).map(Receiver::id).findFirst().orElse(null);
        Long policyId = knownPolicies.stream().filter(p -> ("policy: " + p.name()).equals(chosen)).map(EscalationPolicy::id).findFirst().orElse(null);
        if (receiverId == null && policyId == null) {
            throw new IllegalArgumentException("Notify: choose a receiver or an escalation policy.");
        }
        return new NotificationRoute(editingRoute == null ? null : editingRoute.id(), at, n, AlertingText.matchers(matchers.get()), receiverId,
                policyId, optional(groupWait.get(), "Group wait"), optional(groupInterval.get(), "Group interval"),
                optional(repeatInterval.get(), "Repeat interval"), continueMatching.get(), editingRoute == null ? 0 : editingRoute.version());
    }

    private static String optional(String text, String what) {
        String d = AlertingText.duration(text, what, "");
        return d.isEmpty() ? null : d;
    }

    public void saveRoute() {
        NotificationRoute route;
        try {
            route = route();
        } catch (IllegalArgumentException e) {
            error.set(e.getMessage());
            return;
        }
        error.set("");
        service.saveRoute(route, saved -> {
            editRoute(saved);
            status.set("Saved route " + saved.name() + ".");
            load();
        }, failure -> error.set(AlertingText.failure("Saving the route", failure)));
    }

    public void deleteRoute() {
        RouteRow row = selectedRoute.get();
        if (row == null) {
            return;
        }
        service.deleteRoute(row.id(), () -> {
            newRoute();
            status.set("Deleted route " + row.name() + ".");
            load();
        }, failure -> {
            if (!(failure instanceof AdminService.Cancelled)) {
                error.set(AlertingText.failure("Deleting " + row.name(), failure));
            }
        });
    }

    public ObservableList<ReceiverRow> receivers() {
        return receivers;
    }

    public ObjectProperty<ReceiverRow> selectedReceiverProperty() {
        return selectedReceiver;
    }

    public StringProperty receiverNameProperty() {
        return receiverName;
    }

    public StringProperty kindProperty() {
        return kind;
    }

    public StringProperty settingsProperty() {
        return settings;
    }

    public StringProperty secretProperty() {
        return secret;
    }

    public ReadOnlyStringProperty secretNameProperty() {
        return secretName;
    }

    public ReadOnlyStringProperty secretStateProperty() {
        return secretState;
    }

    public ObservableList<RouteRow> routes() {
        return routes;
    }

    public ObjectProperty<RouteRow> selectedRouteProperty() {
        return selectedRoute;
    }

    public ObservableList<String> targets() {
        return targets;
    }

    public StringProperty routeNameProperty() {
        return routeName;
    }

    public StringProperty positionProperty() {
        return position;
    }

    public StringProperty matchersProperty() {
        return matchers;
    }

    public StringProperty targetProperty() {
        return target;
    }

    public StringProperty groupWaitProperty() {
        return groupWait;
    }

    public StringProperty groupIntervalProperty() {
        return groupInterval;
    }

    public StringProperty repeatIntervalProperty() {
        return repeatInterval;
    }

    public BooleanProperty continueMatchingProperty() {
        return continueMatching;
    }

    public ReadOnlyStringProperty statusProperty() {
        return status;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }
}

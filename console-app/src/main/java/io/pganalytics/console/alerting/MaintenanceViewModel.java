package io.pganalytics.console.alerting;

import io.pganalytics.common.alerting.MaintenanceWindow;
import io.pganalytics.common.alerting.Recurrence;
import io.pganalytics.common.alerting.RuleScope;
import io.pganalytics.common.alerting.SuppressedAlert;
import io.pganalytics.common.query.InstanceSummary;
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

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The maintenance tab: every window (one-off or recurring, its scope, whether it is open now and when it opens next),
 * the selected one's suppressed alerts (what it held back, and when), and the form that creates or changes a window
 * (operators).
 */
public final class MaintenanceViewModel {
    public static final List<String> DAYS = List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN");
    static final int MAX_REASON = 500;

    /** A window as the list shows it. */
    public record WindowRow(long id, String name, String scope, String when, String state, String next, String reason, MaintenanceWindow window) {
    }

    /** An alert the selected window held back. */
    public record SuppressedRow(String rule, String instance, String severity, String state, String firstAt, String lastAt) {
    }

    private final AlertingService service;
    private final boolean mayOperate;
    private final List<InstanceSummary> instances = new ArrayList<>();
    private final ObservableList<WindowRow> windows = FXCollections.observableArrayList();
    private final ObjectProperty<WindowRow> selected = new SimpleObjectProperty<>();
    private final ObservableList<SuppressedRow> suppressed = FXCollections.observableArrayList();
    private final StringProperty suppressedTitle = new SimpleStringProperty("Choose a window to see what it suppressed.");
    private final StringProperty formTitle = new SimpleStringProperty("New maintenance window");
    private final StringProperty name = new SimpleStringProperty("");
    private final StringProperty scopeInstances = new SimpleStringProperty("");
    private final StringProperty scopeLabels = new SimpleStringProperty("");
    private final BooleanProperty recurring = new SimpleBooleanProperty();
    private final StringProperty from = new SimpleStringProperty("");
    private final StringProperty to = new SimpleStringProperty("");
    private final ObservableList<String> days = FXCollections.observableArrayList();
    private final StringProperty start = new SimpleStringProperty("02:00");
    private final StringProperty duration = new SimpleStringProperty("2h");
    private final StringProperty timeZone = new SimpleStringProperty("UTC");
    private final StringProperty reason = new SimpleStringProperty("");
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private MaintenanceWindow editing;

    public MaintenanceViewModel(AlertingService service, boolean mayOperate) {
        this.service = service;
        this.mayOperate = mayOperate;
        selected.addListener((o, was, row) -> {
            if (row != null) {
                edit(row.window());
                showSuppressed(row);
            }
        });
    }

    public void start() {
        service.instances(found -> {
            instances.clear();
            instances.addAll(found);
            load();
        }, failure -> error.set(AlertingText.failure("Reading the instances", failure)));
    }

    public void load() {
        service.maintenanceWindows(found -> {
            error.set("");
            Long keep = selected.get() == null ? null : selected.get().id();
            windows.setAll(found.stream().sorted(Comparator.comparing((MaintenanceWindow w) -> !w.activeNow())
                    .thenComparing(w -> w.nextStart() == null ? Instant.MAX : w.nextStart())).map(this::row).toList());
            if (keep != null) {
                windows.stream().filter(r -> r.id() == keep).findFirst().ifPresent(selected::set);
            }
        }, failure -> error.set(AlertingText.failure("Reading the maintenance windows", failure)));
    }

    private WindowRow row(MaintenanceWindow w) {
        return new WindowRow(w.id(), w.name(), AlertingText.describe(w.scope(), instances), when(w), w.activeNow() ? "open now" : "closed",
                w.activeNow() ? "now" : w.nextStart() == null ? "never again" : Figures.time(w.nextStart()), w.reason() == null ? "" : w.reason(), w);
    }

    /** {@code 2026-12-07 02:00 – 04:00 UTC} or {@code every SUN 02:00 for 2h (Europe/Paris)}. */
    static String when(MaintenanceWindow w) {
        Recurrence r = w.recurrence();
        if (r == null) {
            return AlertingText.utc(w.startsAt()) + " – " + AlertingText.utc(w.endsAt()) + " UTC";
        }
        return "every " + String.join(",", r.days()) + " " + r.start() + " for " + r.duration() + " (" + r.timeZone() + ")"
                + (w.endsAt() == null ? "" : " until " + AlertingText.utc(w.endsAt()) + " UTC");
    }

    private void showSuppressed(WindowRow row) {
        service.suppressedByWindow(row.id(), found -> {
            suppressed.setAll(found.stream().map(MaintenanceViewModel::suppressedRow).toList());
            suppressedTitle.set(found.isEmpty() ? row.name() + " has suppressed nothing."
                    : row.name() + " suppressed " + found.size() + (found.size() == 1 ? " alert" : " alerts") + ":");
        }, failure -> error.set(AlertingText.failure("Reading what " + row.name() + " suppressed", failure)));
    }

    private static SuppressedRow suppressedRow(SuppressedAlert s) {
        return new SuppressedRow(s.alert().ruleName(), s.alert().instanceName() == null ? Figures.NONE : s.alert().instanceName(),
                s.alert().severity(), s.alert().state(), Figures.time(s.firstAt()), Figures.time(s.lastAt()));
    }

    public void startNew() {
        selected.set(null);
        editing = null;
        formTitle.set("New maintenance window");
        name.set("");
        scopeInstances.set("");
        scopeLabels.set("");
        recurring.set(false);
        from.set("");
        to.set("");
        days.clear();
        start.set("02:00");
        duration.set("2h");
        timeZone.set("UTC");
        reason.set("");
        suppressed.clear();
        suppressedTitle.set("Choose a window to see what it suppressed.");
        status.set("");
        error.set("");
    }

    private void edit(MaintenanceWindow w) {
        editing = w;
        formTitle.set("Change " + w.name());
        name.set(w.name());
        scopeInstances.set(AlertingText.instanceNames(w.scope(), instances));
        scopeLabels.set(AlertingText.labels(w.scope().labels()));
        Recurrence r = w.recurrence();
        recurring.set(r != null);
        from.set(AlertingText.utc(w.startsAt()));
        to.set(AlertingText.utc(w.endsAt()));
        days.setAll(r == null ? List.of() : r.days());
        start.set(r == null ? "02:00" : r.start());
        duration.set(r == null ? "2h" : r.duration());
        timeZone.set(r == null ? "UTC" : r.timeZone());
        reason.set(w.reason() == null ? "" : w.reason());
        status.set("");
        error.set("");
    }

    /** The window the form says; {@link IllegalArgumentException} with a sentence when it does not say one. */
    MaintenanceWindow window() {
        String n = name.get() == null ? "" : name.get().strip();
        if (n.isEmpty() || n.length() > 200) {
            throw new IllegalArgumentException("Name: say what the work is, in at most 200 characters.");
        }
        RuleScope scope = AlertingText.scope(scopeInstances.get(), scopeLabels.get(), instances);
        String why = reason.get() == null || reason.get().isBlank() ? null : reason.get().strip();
        if (why != null && why.length() > MAX_REASON) {
            throw new IllegalArgumentException("Reason: at most " + MAX_REASON + " characters.");
        }
        Instant startsAt;
        Instant endsAt;
        Recurrence recurrence = null;
        if (recurring.get()) {
            if (days.isEmpty()) {
                throw new IllegalArgumentException("Recurring: choose at least one day.");
            }
            try {
                LocalTime.parse(start.get() == null ? "" : start.get().strip());
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("Recurring: the start is a local time such as 02:00.");
            }
            String lasting = AlertingText.duration(duration.get(), "Recurring duration", null);
            try {
                ZoneId.of(timeZone.get() == null ? "" : timeZone.get().strip());
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("Time zone: \"" + timeZone.get() + "\" is not an IANA zone such as Europe/Paris.");
            }
            List<String> chosen = DAYS.stream().filter(days::contains).toList();
            recurrence = new Recurrence(chosen, start.get().strip(), lasting, timeZone.get().strip());
            Instant first = AlertingText.utc(from.get(), "First possible start", true);
            startsAt = first == null ? Instant.now() : first;
            endsAt = AlertingText.utc(to.get(), "Last end", true);
        } else {
            startsAt = AlertingText.utc(from.get(), "From", false);
            endsAt = AlertingText.utc(to.get(), "Until", false);
            if (!startsAt.isBefore(endsAt)) {
                throw new IllegalArgumentException("The window must start before it ends.");
            }
        }
        return new MaintenanceWindow(editing == null ? null : editing.id(), n, scope, startsAt, endsAt, recurrence, why, null, null,
                editing == null ? 0 : editing.version(), false, null);
    }

    /** Creates the window, or changes the selected one (operators). */
    public void save() {
        if (!mayOperate) {
            return;
        }
        MaintenanceWindow window;
        try {
            window = window();
        } catch (IllegalArgumentException e) {
            error.set(e.getMessage());
            return;
        }
        error.set("");
        service.saveMaintenanceWindow(window, saved -> {
            status.set("Saved " + saved.name() + ": " + when(saved) + ".");
            editing = saved;
            formTitle.set("Change " + saved.name());
            load();
        }, failure -> error.set(AlertingText.failure("Saving the maintenance window", failure)));
    }

    public void delete() {
        WindowRow row = selected.get();
        if (!mayOperate || row == null) {
            return;
        }
        service.deleteMaintenanceWindow(row.id(), () -> {
            startNew();
            status.set("Deleted " + row.name() + ".");
            load();
        }, failure -> {
            if (!(failure instanceof AdminService.Cancelled)) {
                error.set(AlertingText.failure("Deleting " + row.name(), failure));
            }
        });
    }

    public void toggleDay(String day, boolean on) {
        String d = day.toUpperCase(Locale.ROOT);
        if (on && !days.contains(d)) {
            days.add(d);
        } else if (!on) {
            days.remove(d);
        }
    }

    public boolean mayOperate() {
        return mayOperate;
    }

    public ObservableList<WindowRow> windows() {
        return windows;
    }

    public ObjectProperty<WindowRow> selectedProperty() {
        return selected;
    }

    public ObservableList<SuppressedRow> suppressed() {
        return suppressed;
    }

    public ReadOnlyStringProperty suppressedTitleProperty() {
        return suppressedTitle;
    }

    public ReadOnlyStringProperty formTitleProperty() {
        return formTitle;
    }

    public StringProperty nameProperty() {
        return name;
    }

    public StringProperty scopeInstancesProperty() {
        return scopeInstances;
    }

    public StringProperty scopeLabelsProperty() {
        return scopeLabels;
    }

    public BooleanProperty recurringProperty() {
        return recurring;
    }

    public StringProperty fromProperty() {
        return from;
    }

    public StringProperty toProperty() {
        return to;
    }

    public ObservableList<String> days() {
        return days;
    }

    public StringProperty startProperty() {
        return start;
    }

    public StringProperty durationProperty() {
        return duration;
    }

    public StringProperty timeZoneProperty() {
        return timeZone;
    }

    public StringProperty reasonProperty() {
        return reason;
    }

    public ReadOnlyStringProperty statusProperty() {
        return status;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }
}

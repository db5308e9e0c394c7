package io.pganalytics.console.backups;

import io.pganalytics.common.backup.RecoveryWindow;
import io.pganalytics.common.backup.RestorePlan;
import io.pganalytics.common.backup.RestoreRequest;
import io.pganalytics.console.common.Figures;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The point-in-time restore wizard: the recovery windows on a timeline, the point to restore to (the latest, or a date
 * and time in UTC), a target directory on the server's host, a dry run first that shows the server's plan (steps,
 * warnings, bytes to read), and then the restore itself: enabled only after a successful dry run of the same inputs,
 * for admins, and confirmed through the server's confirmation. The server's refusals (a time outside every window)
 * are shown in its own words.
 */
public final class RestoreWizardViewModel {
    /** A window on the timeline, as fractions of the timeline's width. */
    public record Span(double start, double end, String label, RecoveryWindow window) {
    }

    /** What a dry run was for: a restore is sent only for the same. */
    private record Inputs(String to, String target) {
    }

    private final BackupsService service;
    private final RunProgress progress;
    private final boolean mayPlan;
    private final boolean mayRestore;
    private final ObservableList<RecoveryWindow> windows = FXCollections.observableArrayList();
    private final ObservableList<Span> spans = FXCollections.observableArrayList();
    private final StringProperty timelineFrom = new SimpleStringProperty("");
    private final StringProperty timelineTo = new SimpleStringProperty("");
    private final BooleanProperty latest = new SimpleBooleanProperty(true);
    private final StringProperty date = new SimpleStringProperty("");
    private final StringProperty time = new SimpleStringProperty("");
    private final StringProperty target = new SimpleStringProperty("");
    private final StringProperty choice = new SimpleStringProperty("");
    private final ObjectProperty<RestorePlan> plan = new SimpleObjectProperty<>();
    private final ObservableList<String> steps = FXCollections.observableArrayList();
    private final ObservableList<String> warnings = FXCollections.observableArrayList();
    private final StringProperty planSummary = new SimpleStringProperty("");
    private final BooleanProperty restoreEnabled = new SimpleBooleanProperty(false);
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private Inputs planned;

    /**
     * @param progress   the restore's progress bar, followed by the screen's polling
     * @param mayPlan    the signed-in person may ask for a dry run (operators, admins)
     * @param mayRestore the signed-in person may restore (admins)
     */
    RestoreWizardViewModel(BackupsService service, RunProgress progress, boolean mayPlan, boolean mayRestore) {
        this.service = service;
        this.progress = progress;
        this.mayPlan = mayPlan;
        this.mayRestore = mayRestore;
        latest.addListener((o, was, now) -> inputsChanged());
        date.addListener((o, was, now) -> inputsChanged());
        time.addListener((o, was, now) -> inputsChanged());
        target.addListener((o, was, now) -> inputsChanged());
        progress.runningProperty().addListener((o, was, now) -> inputsChanged());
        busy.addListener((o, was, now) -> inputsChanged());
        inputsChanged();
    }

    public void load() {
        service.windows(this::showWindows, failure -> error.set(BackupsViewModel.sentence("Reading the recovery windows", failure)));
    }

    void showWindows(List<RecoveryWindow> shown) {
        if (error.get().startsWith("Reading the recovery windows")) {
            error.set("");
        }
        List<RecoveryWindow> sorted = shown.stream().sorted(Comparator.comparing(RecoveryWindow::from)).toList();
        windows.setAll(sorted);
        spans.setAll(spans(sorted));
        timelineFrom.set(sorted.isEmpty() ? "" : Utc.time(sorted.getFirst().from()));
        timelineTo.set(sorted.isEmpty() ? "" : Utc.time(sorted.stream().map(RecoveryWindow::to).max(Comparator.naturalOrder()).orElseThrow()));
        if (!sorted.isEmpty() && date.get().isBlank() && time.get().isBlank()) {
            Instant newest = sorted.stream().map(RecoveryWindow::to).max(Comparator.naturalOrder()).orElseThrow();
            date.set(Utc.DATE_FIELD.format(newest));
            time.set(Utc.TIME_FIELD.format(newest));
        }
        inputsChanged();
    }

    /** The windows as fractions of the span from the oldest window's start to the newest one's end. */
    static List<Span> spans(List<RecoveryWindow> windows) {
        if (windows.isEmpty()) {
            return List.of();
        }
        Instant first = windows.stream().map(RecoveryWindow::from).min(Comparator.naturalOrder()).orElseThrow();
        Instant last = windows.stream().map(RecoveryWindow::to).max(Comparator.naturalOrder()).orElseThrow();
        double width = Math.max(1, Duration.between(first, last).toMillis());
        List<Span> spans = new ArrayList<>();
        for (RecoveryWindow window : windows) {
            double start = Duration.between(first, window.from()).toMillis() / width;
            double end = Duration.between(first, window.to()).toMillis() / width;
            spans.add(new Span(start, Math.max(end, start), Utc.time(window.from()) + " to " + Utc.time(window.to())
                    + " (from backup " + window.backupId() + ", timeline " + window.timeline() + ")", window));
        }
        return spans;
    }

    /** Picks a window on the timeline: a time at its end. */
    public void choose(RecoveryWindow window) {
        latest.set(false);
        date.set(Utc.DATE_FIELD.format(window.to()));
        time.set(Utc.TIME_FIELD.format(window.to()));
    }

    /** Asks the server for the plan of a restore of these inputs; nothing is written. */
    public void dryRun() {
        Optional<Inputs> inputs = inputs();
        if (inputs.isEmpty()) {
            return;
        }
        Inputs asked = inputs.get();
        busy.set(true);
        error.set("");
        status.set("");
        service.plan(new RestoreRequest(asked.to(), asked.target(), true), shown -> {
            busy.set(false);
            showPlan(shown);
            planned = asked;
            status.set("Dry run done: nothing was written. Check the plan, then restore.");
            inputsChanged();
        }, failure -> {
            busy.set(false);
            showPlan(null);
            planned = null;
            error.set(BackupsViewModel.sentence("The dry run", failure));
            inputsChanged();
        });
    }

    /** Restores into the target, after the dry run of the same inputs; the server asks for a confirmation first. */
    public void restore() {
        Optional<Inputs> inputs = inputs();
        if (inputs.isEmpty() || !restoreEnabled.get()) {
            error.set("Run a dry run of these inputs first: the restore is sent only for the plan you saw.");
            return;
        }
        Inputs asked = inputs.get();
        busy.set(true);
        error.set("");
        service.restore(new RestoreRequest(asked.to(), asked.target(), false), started -> {
            // a plan is used once: the target is no longer empty, so another restore needs its own dry run
            planned = null;
            busy.set(false);
            progress.show(started.operation());
            status.set(started.started() ? "Restore started into " + asked.target() + "."
                    : "A restore was already running: following it.");
            inputsChanged();
        }, failure -> {
            busy.set(false);
            String said = BackupsViewModel.sentence("The restore", failure);
            if (BackupsViewModel.isCancelled(failure)) {
                status.set(said);
            } else {
                error.set(said);
            }
            inputsChanged();
        });
    }

    /** The inputs as the server takes them, or empty with the reason in {@link #errorProperty()}. */
    private Optional<Inputs> inputs() {
        Optional<Inputs> read = read();
        if (read.isEmpty()) {
            String where = target.get() == null ? "" : target.get().strip();
            error.set(where.isEmpty() ? "Choose a target directory on the server's host: one that does not exist or is empty."
                    : "Enter a date (2026-12-07) and a time of day in UTC (08:30 or 08:30:15), or choose the latest point.");
        }
        return read;
    }

    private Optional<Inputs> read() {
        String where = target.get() == null ? "" : target.get().strip();
        if (where.isEmpty()) {
            return Optional.empty();
        }
        if (latest.get()) {
            return Optional.of(new Inputs(RestoreRequest.LATEST, where));
        }
        return Utc.parse(date.get(), time.get()).map(at -> new Inputs(at.toString(), where));
    }

    private void inputsChanged() {
        Optional<Inputs> now = read();
        restoreEnabled.set(mayRestore && planned != null && now.isPresent() && planned.equals(now.get()) && !busy.get()
                && !progress.runningProperty().get());
        choice.set(describeChoice());
    }

    /** Where the chosen point falls, said before the server is asked (the server decides). */
    private String describeChoice() {
        if (windows.isEmpty()) {
            return "No recovery window yet: a restore needs a complete backup.";
        }
        RecoveryWindow newest = windows.stream().max(Comparator.comparing(RecoveryWindow::to)).orElseThrow();
        if (latest.get()) {
            return "The latest point: " + Utc.time(newest.to()) + " (the end of the newest window).";
        }
        Optional<Instant> at = Utc.parse(date.get(), time.get());
        if (at.isEmpty()) {
            return "Enter a date and a time of day in UTC.";
        }
        return windows.stream().filter(w -> w.contains(at.get())).findFirst()
                .map(w -> Utc.time(at.get()) + ": inside the window from backup " + w.backupId() + ".")
                .orElse(Utc.time(at.get()) + ": outside every window; the server will refuse it and name the nearest times.");
    }

    private void showPlan(RestorePlan shown) {
        plan.set(shown);
        steps.setAll(shown == null ? List.of() : shown.steps());
        warnings.setAll(shown == null ? List.of() : shown.warnings());
        planSummary.set(shown == null ? "" : "Restores to " + Utc.time(shown.to()) + (shown.latest() ? " (latest)" : "") + " from backup "
                + shown.backupId() + " (consistent at " + Utc.time(shown.backupAt()) + "), replaying WAL "
                + Objects.requireNonNullElse(shown.walFrom(), Figures.NONE) + " to " + Objects.requireNonNullElse(shown.walTo(), Figures.NONE)
                + "; reads " + Figures.bytes(shown.bytesToRead()) + " into " + shown.target() + ".");
    }

    public boolean mayPlan() {
        return mayPlan;
    }

    public boolean mayRestore() {
        return mayRestore;
    }

    public ObservableList<RecoveryWindow> windows() {
        return windows;
    }

    public ObservableList<Span> spans() {
        return spans;
    }

    public ReadOnlyStringProperty timelineFromProperty() {
        return timelineFrom;
    }

    public ReadOnlyStringProperty timelineToProperty() {
        return timelineTo;
    }

    public BooleanProperty latestProperty() {
        return latest;
    }

    public StringProperty dateProperty() {
        return date;
    }

    public StringProperty timeProperty() {
        return time;
    }

    public StringProperty targetProperty() {
        return target;
    }

    public ReadOnlyStringProperty choiceProperty() {
        return choice;
    }

    public ReadOnlyObjectProperty<RestorePlan> planProperty() {
        return plan;
    }

    public ObservableList<String> steps() {
        return steps;
    }

    public ObservableList<String> warnings() {
        return warnings;
    }

    public ReadOnlyStringProperty planSummaryProperty() {
        return planSummary;
    }

    public ReadOnlyBooleanProperty restoreEnabledProperty() {
        return restoreEnabled;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    public ReadOnlyStringProperty statusProperty() {
        return status;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }

    public RunProgress progress() {
        return progress;
    }
}

package io.pganalytics.console.anomalies;

import io.pganalytics.common.anomaly.AnomalyExclusion;
import io.pganalytics.common.anomaly.AnomalySettings;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.common.Figures;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * An instance's anomaly settings: the sensitivity (low, normal, high), the exclusions (a series or every series, a
 * window, a reason) and whether its detectors are still learning. Viewers read; operators change.
 */
public final class AnomalySettingsViewModel {
    static final int MAX_EXCLUSIONS = 100;
    static final int MAX_REASON = 500;
    /** Every series of the instance, in the exclusion's series chooser. */
    public static final String EVERY_SERIES = "every series";
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** An exclusion as the list shows it. */
    public record ExclusionRow(long id, String series, String window, String reason, String createdBy, AnomalyExclusion exclusion) {
    }

    private final AnomaliesService service;
    private final boolean mayOperate;
    private final ObjectProperty<InstanceSummary> instance = new SimpleObjectProperty<>();
    private final ObjectProperty<String> sensitivity = new SimpleObjectProperty<>(AnomalySettings.NORMAL);
    private final BooleanProperty learning = new SimpleBooleanProperty();
    private final StringProperty learningText = new SimpleStringProperty("");
    private final StringProperty changedText = new SimpleStringProperty("");
    private final ObservableList<ExclusionRow> exclusions = FXCollections.observableArrayList();
    private final ObservableList<String> seriesChoices = FXCollections.observableArrayList(EVERY_SERIES);
    private final StringProperty newSeries = new SimpleStringProperty(EVERY_SERIES);
    private final StringProperty newFrom = new SimpleStringProperty("");
    private final StringProperty newTo = new SimpleStringProperty("");
    private final StringProperty newReason = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private AnomalySettings shown;

    public AnomalySettingsViewModel(AnomaliesService service, boolean mayOperate) {
        this.service = service;
        this.mayOperate = mayOperate;
        instance.addListener((o, was, now) -> load());
    }

    /** Reads the chosen instance's settings again. */
    public void load() {
        InstanceSummary chosen = instance.get();
        status.set("");
        error.set("");
        if (chosen == null) {
            shown = null;
            exclusions.clear();
            learning.set(false);
            learningText.set("Choose an instance to see its sensitivity, exclusions and learning state.");
            changedText.set("");
            return;
        }
        busy.set(true);
        service.settings(chosen.id(), this::showSettings, failure -> failed("Reading the anomaly settings", failure));
    }

    void showSettings(AnomalySettings settings) {
        busy.set(false);
        if (instance.get() == null || instance.get().id() != settings.instanceId()) {
            return;
        }
        shown = settings;
        sensitivity.set(settings.sensitivity());
        learning.set(settings.learning());
        learningText.set(learning(settings));
        changedText.set(settings.updatedAt() == null ? "Sensitivity never changed (normal by default)."
                : "Sensitivity last changed by " + settings.updatedBy() + " at " + Figures.time(settings.updatedAt()) + ".");
        exclusions.setAll(settings.exclusions().stream().map(AnomalySettingsViewModel::row).toList());
    }

    static String learning(AnomalySettings s) {
        if (s.seriesTotal() == 0) {
            return "Learning: no series of this instance has been scored yet. Nothing is flagged while a series learns.";
        }
        if (!s.learning()) {
            return "Detecting: all " + s.seriesTotal() + " series have learned their baselines.";
        }
        return "Learning: " + s.seriesLearning() + " of " + s.seriesTotal() + " series are still learning their baselines"
                + (s.learningUntil() == null ? "" : ", until about " + Figures.time(s.learningUntil()))
                + ". Nothing is flagged on a series while it learns.";
    }

    private static ExclusionRow row(AnomalyExclusion e) {
        String window = UTC.format(e.startsAt()) + " – " + (e.endsAt() == null ? "open" : UTC.format(e.endsAt())) + " UTC";
        return new ExclusionRow(e.id(), e.series() == null ? EVERY_SERIES : e.series(), window, e.reason(),
                e.createdBy() == null ? "" : e.createdBy(), e);
    }

    /** Sends the chosen sensitivity (operators). */
    public void saveSensitivity() {
        InstanceSummary chosen = instance.get();
        if (!mayOperate || chosen == null) {
            return;
        }
        String level = sensitivity.get();
        try {
            AnomalySettings.thresholdFactor(level);
        } catch (IllegalArgumentException | NullPointerException e) {
            error.set("Choose low, normal or high.");
            return;
        }
        error.set("");
        busy.set(true);
        service.updateSettings(chosen.id(), new AnomalySettings(chosen.id(), level, List.of(), false, 0, 0, null, null, null), saved -> {
            showSettings(saved);
            status.set("Sensitivity of " + chosen.name() + " set to " + saved.sensitivity() + ".");
        }, failure -> failed("Saving the sensitivity", failure));
    }

    /** Adds the exclusion the fields describe (operators): times in UTC as {@code yyyy-MM-dd HH:mm}. */
    public void addExclusion() {
        InstanceSummary chosen = instance.get();
        if (!mayOperate || chosen == null) {
            return;
        }
        Instant from;
        Instant to;
        try {
            from = parse(newFrom.get());
            to = parse(newTo.get());
        } catch (DateTimeParseException e) {
            error.set("Give the window's start and end in UTC as yyyy-MM-dd HH:mm.");
            return;
        }
        if (!from.isBefore(to)) {
            error.set("The window must start before it ends.");
            return;
        }
        String reason = newReason.get() == null ? "" : newReason.get().strip();
        if (reason.isEmpty() || reason.length() > MAX_REASON) {
            error.set("Say why, in at most " + MAX_REASON + " characters: people read it in the anomaly list later.");
            return;
        }
        if (exclusions.size() >= MAX_EXCLUSIONS) {
            error.set("An instance holds at most " + MAX_EXCLUSIONS + " exclusions: remove one first.");
            return;
        }
        String series = newSeries.get() == null || newSeries.get().isBlank() || EVERY_SERIES.equals(newSeries.get()) ? null : newSeries.get().strip();
        error.set("");
        busy.set(true);
        service.addExclusion(chosen.id(), new AnomalyExclusion(0, series, from, to, reason, null, null), added -> {
            newReason.set("");
            load();
            status.set("Excluded " + (series == null ? "every series" : series) + " from " + UTC.format(from) + " to " + UTC.format(to) + " UTC.");
        }, failure -> failed("Adding the exclusion", failure));
    }

    public void removeExclusion(ExclusionRow row) {
        InstanceSummary chosen = instance.get();
        if (!mayOperate || chosen == null || row == null) {
            return;
        }
        busy.set(true);
        service.removeExclusion(chosen.id(), row.id(), () -> {
            load();
            status.set("Removed the exclusion of " + row.series() + ".");
        }, failure -> failed("Removing the exclusion", failure));
    }

    private static Instant parse(String text) {
        String value = text == null ? "" : text.strip();
        if (value.endsWith("Z")) {
            return Instant.parse(value);
        }
        return LocalDateTime.parse(value, DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)).toInstant(ZoneOffset.UTC);
    }

    private void failed(String what, Throwable failure) {
        busy.set(false);
        error.set(what + " failed: " + (failure instanceof ApiException e ? e.getMessage() : failure.toString()));
    }

    /** The series the chooser offers: every series, then the catalogue's. */
    public void offer(List<String> series) {
        seriesChoices.setAll(EVERY_SERIES);
        seriesChoices.addAll(series);
    }

    public boolean mayOperate() {
        return mayOperate;
    }

    public ObjectProperty<InstanceSummary> instanceProperty() {
        return instance;
    }

    public ObjectProperty<String> sensitivityProperty() {
        return sensitivity;
    }

    public ReadOnlyBooleanProperty learningProperty() {
        return learning;
    }

    public ReadOnlyStringProperty learningTextProperty() {
        return learningText;
    }

    public ReadOnlyStringProperty changedTextProperty() {
        return changedText;
    }

    public ObservableList<ExclusionRow> exclusions() {
        return exclusions;
    }

    public ObservableList<String> seriesChoices() {
        return seriesChoices;
    }

    public StringProperty newSeriesProperty() {
        return newSeries;
    }

    public StringProperty newFromProperty() {
        return newFrom;
    }

    public StringProperty newToProperty() {
        return newTo;
    }

    public StringProperty newReasonProperty() {
        return newReason;
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

    AnomalySettings shown() {
        return shown;
    }
}

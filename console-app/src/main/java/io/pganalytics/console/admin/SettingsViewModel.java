package io.pganalytics.console.admin;

import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.settings.RetentionLevels;
import io.pganalytics.common.settings.RetentionSettings;
import io.pganalytics.common.settings.RetentionUpdate;
import io.pganalytics.common.settings.RetentionValue;
import io.pganalytics.common.settings.RetentionValues;
import io.pganalytics.console.api.ApiException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The settings tab: the retention the next retention run applies on every node, the level for every family and each
 * family's own, where each value comes from (the configuration file, a change made at runtime and by whom, or the
 * level for every family), and editing them. Only the values the person changed are sent; a change that deletes data
 * is confirmed with the server's own summary of what will be deleted ({@link AdminService#updateRetention}).
 */
public final class SettingsViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(SettingsViewModel.class);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    /** One family's effective retention, as the table shows it; {@code minute} and {@code hour} are empty without rollups. */
    public record FamilyRow(String family, String raw, String minute, String hour, String source) {
    }

    private final AdminService service;
    private final StringProperty raw = new SimpleStringProperty("");
    private final StringProperty minute = new SimpleStringProperty("");
    private final StringProperty hour = new SimpleStringProperty("");
    private final StringProperty rawSource = new SimpleStringProperty("");
    private final StringProperty minuteSource = new SimpleStringProperty("");
    private final StringProperty hourSource = new SimpleStringProperty("");
    private final ObservableList<FamilyRow> families = FXCollections.observableArrayList();
    private final ObjectProperty<FamilyRow> selected = new SimpleObjectProperty<>();
    private final StringProperty familyRaw = new SimpleStringProperty("");
    private final StringProperty familyMinute = new SimpleStringProperty("");
    private final StringProperty familyHour = new SimpleStringProperty("");
    private final BooleanProperty familyHasRollups = new SimpleBooleanProperty(false);
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private RetentionSettings shown;

    public SettingsViewModel(AdminService service) {
        this.service = service;
        selected.addListener((o, was, now) -> showFamily(now));
    }

    public void load() {
        service.retention(this::show, failure -> failed("Reading the retention", failure));
    }

    void show(RetentionSettings settings) {
        shown = settings;
        RetentionValues defaults = settings.defaults();
        raw.set(defaults.raw().value());
        minute.set(defaults.minute().value());
        hour.set(defaults.hour().value());
        rawSource.set(source(defaults.raw()));
        minuteSource.set(source(defaults.minute()));
        hourSource.set(source(defaults.hour()));
        String family = selected.get() == null ? null : selected.get().family();
        List<FamilyRow> rows = new ArrayList<>();
        settings.families().forEach((name, values) -> rows.add(row(name, values)));
        families.setAll(rows);
        selected.set(rows.stream().filter(r -> r.family().equals(family)).findFirst().orElse(null));
    }

    private void showFamily(FamilyRow row) {
        RetentionValues values = row == null || shown == null ? null : shown.families().get(row.family());
        familyRaw.set(values == null ? "" : values.raw().value());
        familyMinute.set(values == null || values.minute() == null ? "" : values.minute().value());
        familyHour.set(values == null || values.hour() == null ? "" : values.hour().value());
        familyHasRollups.set(values != null && values.minute() != null);
    }

    /** Sends the levels for every family that the person changed. */
    public void saveDefaults() {
        if (shown == null) {
            return;
        }
        RetentionValues was = shown.defaults();
        RetentionLevels levels = new RetentionLevels(changed(raw, was.raw()), changed(minute, was.minute()), changed(hour, was.hour()));
        send(new RetentionUpdate(levels, null), "Retention for every family");
    }

    /** Sends the selected family's levels that the person changed. */
    public void saveFamily() {
        FamilyRow row = selected.get();
        if (shown == null || row == null) {
            error.set("Select a family first.");
            return;
        }
        RetentionValues was = shown.families().get(row.family());
        RetentionLevels levels = new RetentionLevels(changed(familyRaw, was.raw()), changed(familyMinute, was.minute()),
                changed(familyHour, was.hour()));
        send(new RetentionUpdate(null, Map.of(row.family(), levels)), "Retention of " + row.family());
    }

    /** Returns the selected family's levels changed at runtime to the configuration file's values. */
    public void revertFamily() {
        FamilyRow row = selected.get();
        if (shown == null || row == null) {
            error.set("Select a family first.");
            return;
        }
        RetentionValues was = shown.families().get(row.family());
        send(new RetentionUpdate(null, Map.of(row.family(), new RetentionLevels(revert(was.raw()), revert(was.minute()), revert(was.hour())))),
                "Retention of " + row.family());
    }

    /** Returns the levels for every family changed at runtime to the configuration file's values. */
    public void revertDefaults() {
        if (shown == null) {
            return;
        }
        RetentionValues was = shown.defaults();
        send(new RetentionUpdate(new RetentionLevels(revert(was.raw()), revert(was.minute()), revert(was.hour())), null),
                "Retention for every family");
    }

    private void send(RetentionUpdate update, String what) {
        if (isEmpty(update)) {
            error.set("");
            status.set("Nothing to change.");
            return;
        }
        busy.set(true);
        service.updateRetention(update, settings -> {
            busy.set(false);
            show(settings);
            error.set("");
            status.set(what + " saved: every node applies it at the next retention run.");
        }, failure -> {
            busy.set(false);
            failed(what, failure);
        });
    }

    private static boolean isEmpty(RetentionUpdate update) {
        List<RetentionLevels> all = new ArrayList<>(update.families().values());
        all.add(update.defaults());
        return all.stream().allMatch(l -> l == null || (l.raw() == null && l.minute() == null && l.hour() == null));
    }

    /** The field's text when it differs from the value shown, else null (unchanged). */
    private static String changed(StringProperty field, RetentionValue was) {
        String text = field.get() == null ? "" : field.get().strip();
        if (was == null || text.isEmpty() || text.equals(was.value())) {
            return null;
        }
        return text;
    }

    private static String revert(RetentionValue value) {
        return value != null && RetentionValue.API.equals(value.source()) ? RetentionLevels.CONFIGURATION : null;
    }

    /** Where a value comes from, as a sentence. */
    static String source(RetentionValue value) {
        if (value == null) {
            return "";
        }
        return switch (value.source()) {
            case RetentionValue.API -> "changed by " + value.changedBy() + (value.changedAt() == null ? "" : " on " + WHEN.format(value.changedAt()));
            case RetentionValue.DEFAULTS -> "as for every family";
            default -> "configuration file";
        };
    }

    private static FamilyRow row(String name, RetentionValues values) {
        List<String> sources = new ArrayList<>();
        for (RetentionValue value : new RetentionValue[]{values.raw(), values.minute(), values.hour()}) {
            if (value != null && !sources.contains(source(value))) {
                sources.add(source(value));
            }
        }
        return new FamilyRow(name, values.raw().value(), values.minute() == null ? "" : values.minute().value(),
                values.hour() == null ? "" : values.hour().value(), String.join("; ", sources));
    }

    private void failed(String what, Throwable failure) {
        status.set("");
        if (failure instanceof AdminService.Cancelled cancelled) {
            error.set("");
            status.set(cancelled.getMessage());
        } else if (failure instanceof ApiException e && e.error().isEmpty() && e.kind() == ApiException.Kind.REJECTED) {
            error.set(what + ": " + e.getMessage());
        } else if (failure instanceof ApiException e) {
            LOG.info("{}: {}", what, e.getMessage());
            String fields = e.error().map(err -> err.details().stream().map(SettingsViewModel::detail).filter(Objects::nonNull)
                    .collect(Collectors.joining("; "))).orElse("");
            error.set(what + " was refused: " + e.getMessage() + (fields.isEmpty() ? "" : " (" + fields + ")"));
        } else {
            LOG.error(what, failure);
            error.set(what + " failed: " + failure.getMessage());
        }
    }

    private static String detail(ErrorDetail detail) {
        return detail.field() == null ? detail.problem() : detail.field() + ": " + detail.problem();
    }

    public StringProperty rawProperty() {
        return raw;
    }

    public StringProperty minuteProperty() {
        return minute;
    }

    public StringProperty hourProperty() {
        return hour;
    }

    public ReadOnlyStringProperty rawSourceProperty() {
        return rawSource;
    }

    public ReadOnlyStringProperty minuteSourceProperty() {
        return minuteSource;
    }

    public ReadOnlyStringProperty hourSourceProperty() {
        return hourSource;
    }

    public ObservableList<FamilyRow> families() {
        return families;
    }

    public ObjectProperty<FamilyRow> selectedProperty() {
        return selected;
    }

    public StringProperty familyRawProperty() {
        return familyRaw;
    }

    public StringProperty familyMinuteProperty() {
        return familyMinute;
    }

    public StringProperty familyHourProperty() {
        return familyHour;
    }

    public ReadOnlyBooleanProperty familyHasRollupsProperty() {
        return familyHasRollups;
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
}

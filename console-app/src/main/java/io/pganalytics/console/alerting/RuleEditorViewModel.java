package io.pganalytics.console.alerting;

import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.Condition;
import io.pganalytics.common.alerting.Escalation;
import io.pganalytics.common.alerting.PreviewFiring;
import io.pganalytics.common.alerting.RulePreview;
import io.pganalytics.common.alerting.RuleScope;
import io.pganalytics.common.alerting.SignalInfo;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.console.common.Figures;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The rule editor: the fields of one rule (new or saved), its condition built from parts (one, or up to five under
 * {@code all} / {@code any}), and the preview of what it would have fired over the last 7 days (a table of firings and
 * the firings per day), asked for before saving.
 */
public final class RuleEditorViewModel {
    public static final String SINGLE = "single";
    /** How the parts combine: one condition, all of them, any of them. */
    public static final List<String> COMBINES = List.of(SINGLE, Condition.ALL, Condition.ANY);
    public static final List<String> SEVERITIES = List.of(AlertRule.INFO, AlertRule.WARNING, AlertRule.CRITICAL);
    /** No escalation. */
    public static final String NO_ESCALATION = "none";
    static final int MAX_PARTS = 5;
    static final int MAX_SUMMARY = 2000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,99}");

    /** A firing of the preview as the table shows it. */
    public record PreviewRow(String instance, String firedAt, String resolvedAt, String duration, String peak) {
    }

    /** Firings per day of the preview (UTC dates), for its chart. */
    public record DayCount(String day, int firings) {
    }

    private final AlertingService service;
    private final boolean mayOperate;
    private final List<InstanceSummary> instances = new ArrayList<>();
    private final StringProperty title = new SimpleStringProperty("New rule");
    private final StringProperty name = new SimpleStringProperty("");
    private final StringProperty description = new SimpleStringProperty("");
    private final BooleanProperty enabled = new SimpleBooleanProperty(true);
    private final StringProperty severity = new SimpleStringProperty(AlertRule.WARNING);
    private final StringProperty combine = new SimpleStringProperty(SINGLE);
    private final ObservableList<ConditionPart> parts = FXCollections.observableArrayList();
    private final StringProperty forDuration = new SimpleStringProperty("5m");
    private final StringProperty scopeInstances = new SimpleStringProperty("");
    private final StringProperty scopeLabels = new SimpleStringProperty("");
    private final StringProperty labels = new SimpleStringProperty("");
    private final StringProperty summary = new SimpleStringProperty("");
    private final StringProperty escalateAfter = new SimpleStringProperty("");
    private final StringProperty escalateAbove = new SimpleStringProperty("");
    private final StringProperty escalateTo = new SimpleStringProperty(NO_ESCALATION);
    private final ObservableList<String> signals = FXCollections.observableArrayList();
    private final StringProperty signalHelp = new SimpleStringProperty("");
    private final ObservableList<PreviewRow> previewRows = FXCollections.observableArrayList();
    private final ObservableList<DayCount> previewDays = FXCollections.observableArrayList();
    private final StringProperty previewSummary = new SimpleStringProperty("Preview: see what this rule would have fired over the last 7 days before you save it.");
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private final List<SignalInfo> signalInfo = new ArrayList<>();
    private AlertRule editing;
    private Consumer<AlertRule> onSaved = saved -> { };

    public RuleEditorViewModel(AlertingService service, boolean mayOperate) {
        this.service = service;
        this.mayOperate = mayOperate;
        parts.add(new ConditionPart());
        combine.addListener((o, was, now) -> {
            if (SINGLE.equals(now) && parts.size() > 1) {
                parts.remove(1, parts.size());
            }
        });
    }

    /** Called with each rule saved (created or updated). */
    void onSaved(Consumer<AlertRule> listener) {
        onSaved = listener;
    }

    void offer(List<SignalInfo> known, List<InstanceSummary> monitored) {
        signalInfo.clear();
        signalInfo.addAll(known);
        signals.setAll(known.stream().map(SignalInfo::name).toList());
        instances.clear();
        instances.addAll(monitored);
    }

    /** Empties the editor for a new rule. */
    public void startNew() {
        editing = null;
        title.set("New rule");
        name.set("");
        description.set("");
        enabled.set(true);
        severity.set(AlertRule.WARNING);
        combine.set(SINGLE);
        parts.setAll(new ConditionPart());
        forDuration.set("5m");
        scopeInstances.set("");
        scopeLabels.set("");
        labels.set("");
        summary.set("{{instance}}: {{value}}");
        escalateAfter.set("");
        escalateAbove.set("");
        escalateTo.set(NO_ESCALATION);
        clearPreview();
        status.set("");
        error.set("");
    }

    /** Fills the editor with a saved rule. */
    public void edit(AlertRule rule) {
        editing = rule;
        title.set(rule.name() + (rule.packKey() == null ? "" : "  (default pack)"));
        name.set(rule.name());
        description.set(rule.description() == null ? "" : rule.description());
        enabled.set(rule.enabled());
        severity.set(rule.severity());
        Condition c = rule.condition();
        if (Condition.ALL.equals(c.kind()) || Condition.ANY.equals(c.kind())) {
            combine.set(c.kind());
            parts.setAll(c.conditions().stream().map(ConditionPart::of).toList());
        } else {
            combine.set(SINGLE);
            parts.setAll(ConditionPart.of(c));
        }
        forDuration.set(rule.forDuration() == null ? "0s" : rule.forDuration());
        scopeInstances.set(AlertingText.instanceNames(rule.scope(), instances));
        scopeLabels.set(AlertingText.labels(rule.scope().labels()));
        labels.set(AlertingText.labels(rule.labels()));
        summary.set(rule.summary() == null ? "" : rule.summary());
        Escalation e = rule.escalation();
        escalateAfter.set(e == null || e.after() == null ? "" : e.after());
        escalateAbove.set(e == null || e.above() == null ? "" : Double.toString(e.above()));
        escalateTo.set(e == null ? NO_ESCALATION : e.to());
        clearPreview();
        status.set("");
        error.set("");
    }

    /** Adds a part (up to five); a single condition becomes {@code all}. */
    public void addPart() {
        if (parts.size() >= MAX_PARTS) {
            error.set("A rule combines at most " + MAX_PARTS + " conditions.");
            return;
        }
        if (SINGLE.equals(combine.get())) {
            combine.set(Condition.ALL);
        }
        parts.add(new ConditionPart());
    }

    public void removePart(ConditionPart part) {
        if (parts.size() > 1) {
            parts.remove(part);
        }
        if (parts.size() == 1) {
            combine.set(SINGLE);
        }
    }

    /** Shows what a signal is, for the chooser. */
    public void describeSignal(String signal) {
        signalHelp.set(signalInfo.stream().filter(s -> s.name().equals(signal)).findFirst()
                .map(s -> s.name() + " (" + s.unit() + "): " + s.description()).orElse(""));
    }

    /** The rule the fields say; {@link IllegalArgumentException} with a sentence when they do not say one. */
    AlertRule rule() {
        String n = name.get() == null ? "" : name.get().strip();
        if (!NAME.matcher(n).matches()) {
            throw new IllegalArgumentException("Name: a letter, then letters, digits or _ (ConnectionSaturation), at most 100.");
        }
        if (!SEVERITIES.contains(severity.get())) {
            throw new IllegalArgumentException("Severity: choose info, warning or critical.");
        }
        Condition condition;
        if (SINGLE.equals(combine.get())) {
            condition = parts.getFirst().toCondition("Condition");
        } else {
            List<Condition> built = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                built.add(parts.get(i).toCondition("Part " + (i + 1)));
            }
            if (built.size() < 2) {
                throw new IllegalArgumentException("Condition: " + combine.get() + " combines at least two parts.");
            }
            condition = new Condition(combine.get(), null, null, null, null, null, null, built);
        }
        String forText = AlertingText.duration(forDuration.get(), "For", "0s");
        RuleScope scope = AlertingText.scope(scopeInstances.get(), scopeLabels.get(), instances);
        Map<String, String> ruleLabels = AlertingText.labels(labels.get(), "Labels");
        String text = summary.get() == null ? "" : summary.get().strip();
        if (text.isEmpty() || text.length() > MAX_SUMMARY || text.contains("\n")) {
            throw new IllegalArgumentException("Summary: one line of at most " + MAX_SUMMARY + " characters ({{instance}}: {{value}}).");
        }
        Escalation escalation = null;
        if (!NO_ESCALATION.equals(escalateTo.get()) && escalateTo.get() != null) {
            String after = AlertingText.duration(escalateAfter.get(), "Escalate after", "");
            Double above = AlertingText.number(escalateAbove.get(), "Escalate at", true);
            if (after.isEmpty() && above == null) {
                throw new IllegalArgumentException("Escalation: give a time (after 30m), a level, or both.");
            }
            escalation = new Escalation(after.isEmpty() ? null : after, above, escalateTo.get());
        }
        String why = description.get() == null || description.get().isBlank() ? null : description.get().strip();
        return new AlertRule(editing == null ? null : editing.id(), n, why, editing == null ? null : editing.packKey(), enabled.get(),
                severity.get(), condition, forText, scope, ruleLabels, text, escalation, editing == null ? 1 : editing.sensitivityFactor(),
                null, null, editing == null ? 0 : editing.version());
    }

    /** Asks the server what the rule as it stands would have fired over the last 7 days. */
    public void preview() {
        AlertRule rule;
        try {
            rule = rule();
        } catch (IllegalArgumentException e) {
            error.set(e.getMessage());
            return;
        }
        error.set("");
        busy.set(true);
        previewSummary.set("Evaluating " + rule.name() + " over the last " + AlertingService.PREVIEW_DAYS + " days…");
        service.preview(rule, this::showPreview, failure -> {
            busy.set(false);
            previewSummary.set("No preview.");
            error.set(AlertingText.failure("The preview", failure));
        });
    }

    void showPreview(RulePreview preview) {
        busy.set(false);
        previewRows.setAll(preview.firings().stream().map(RuleEditorViewModel::row).toList());
        previewDays.setAll(days(preview));
        long instancesFiring = preview.firings().stream().map(PreviewFiring::instanceId).distinct().count();
        String counted = preview.firings().isEmpty() ? "It would not have fired"
                : "It would have fired " + preview.firings().size() + (preview.firings().size() == 1 ? " time" : " times") + " on "
                + instancesFiring + " of " + preview.instancesEvaluated() + " instances";
        previewSummary.set(counted + " between " + Figures.time(preview.from()) + " and " + Figures.time(preview.to()) + " ("
                + preview.instancesEvaluated() + " of " + preview.instancesInScope() + " instances in scope evaluated)"
                + (preview.truncated() ? "; cut to the server's bounds." : "."));
    }

    private static PreviewRow row(PreviewFiring f) {
        String lasted = f.resolvedAt() == null ? "still firing" : Figures.seconds((double) Duration.between(f.firedAt(), f.resolvedAt()).toSeconds());
        return new PreviewRow(f.instanceName(), Figures.time(f.firedAt()), f.resolvedAt() == null ? "" : Figures.time(f.resolvedAt()), lasted,
                f.peakValue() == null ? Figures.NONE : Figures.number(f.peakValue(), 3));
    }

    /** Every UTC day of the preview's span, with the firings that started on it. */
    static List<DayCount> days(RulePreview preview) {
        TreeMap<LocalDate, Integer> counts = new TreeMap<>();
        LocalDate last = LocalDate.ofInstant(preview.to(), ZoneOffset.UTC);
        for (LocalDate d = LocalDate.ofInstant(preview.from(), ZoneOffset.UTC); !d.isAfter(last); d = d.plusDays(1)) {
            counts.put(d, 0);
        }
        for (PreviewFiring f : preview.firings()) {
            counts.merge(LocalDate.ofInstant(f.firedAt(), ZoneOffset.UTC), 1, Integer::sum);
        }
        return counts.entrySet().stream().map(e -> new DayCount(e.getKey().toString().substring(5), e.getValue())).toList();
    }

    private void clearPreview() {
        previewRows.clear();
        previewDays.clear();
        previewSummary.set("Preview: see what this rule would have fired over the last " + AlertingService.PREVIEW_DAYS + " days before you save it.");
    }

    /** Creates or updates the rule (operators). */
    public void save() {
        if (!mayOperate) {
            return;
        }
        AlertRule rule;
        try {
            rule = rule();
        } catch (IllegalArgumentException e) {
            error.set(e.getMessage());
            return;
        }
        error.set("");
        busy.set(true);
        service.saveRule(rule, saved -> {
            busy.set(false);
            edit(saved);
            status.set("Saved " + saved.name() + ".");
            onSaved.accept(saved);
        }, failure -> {
            busy.set(false);
            error.set(AlertingText.failure("Saving the rule", failure));
        });
    }

    AlertRule editing() {
        return editing;
    }

    public boolean mayOperate() {
        return mayOperate;
    }

    public ReadOnlyStringProperty titleProperty() {
        return title;
    }

    public StringProperty nameProperty() {
        return name;
    }

    public StringProperty descriptionProperty() {
        return description;
    }

    public BooleanProperty enabledProperty() {
        return enabled;
    }

    public StringProperty severityProperty() {
        return severity;
    }

    public StringProperty combineProperty() {
        return combine;
    }

    public ObservableList<ConditionPart> parts() {
        return parts;
    }

    public StringProperty forDurationProperty() {
        return forDuration;
    }

    public StringProperty scopeInstancesProperty() {
        return scopeInstances;
    }

    public StringProperty scopeLabelsProperty() {
        return scopeLabels;
    }

    public StringProperty labelsProperty() {
        return labels;
    }

    public StringProperty summaryProperty() {
        return summary;
    }

    public StringProperty escalateAfterProperty() {
        return escalateAfter;
    }

    public StringProperty escalateAboveProperty() {
        return escalateAbove;
    }

    public StringProperty escalateToProperty() {
        return escalateTo;
    }

    public ObservableList<String> signals() {
        return signals;
    }

    public ReadOnlyStringProperty signalHelpProperty() {
        return signalHelp;
    }

    public ObservableList<PreviewRow> previewRows() {
        return previewRows;
    }

    public ObservableList<DayCount> previewDays() {
        return previewDays;
    }

    public ReadOnlyStringProperty previewSummaryProperty() {
        return previewSummary;
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

package io.pganalytics.console.alerting;

import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.console.admin.AdminService;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The rules tab: every rule (name, severity, condition, scope, whether enabled, from the default pack or not), the
 * selected one in the {@link RuleEditorViewModel}, a new rule, and delete (the server asks for a confirmation).
 */
public final class RulesViewModel {
    /** A rule as the list shows it. */
    public record RuleRow(long id, String name, String severity, String condition, String forDuration, String scope, String state,
                          String origin, AlertRule rule) {
    }

    private final AlertingService service;
    private final boolean mayOperate;
    private final RuleEditorViewModel editor;
    private final ObservableList<RuleRow> rules = FXCollections.observableArrayList();
    private final ObjectProperty<RuleRow> selected = new SimpleObjectProperty<>();
    private final StringProperty summary = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private final List<InstanceSummary> instances = new ArrayList<>();

    public RulesViewModel(AlertingService service, boolean mayOperate) {
        this.service = service;
        this.mayOperate = mayOperate;
        this.editor = new RuleEditorViewModel(service, mayOperate);
        editor.onSaved(saved -> load());
        selected.addListener((o, was, now) -> {
            // the list read again after a save selects the saved rule anew: keep the editor (and its "Saved") as it is
            AlertRule shown = editor.editing();
            if (now != null && (shown == null || !shown.id().equals(now.id()) || shown.version() != now.rule().version())) {
                editor.edit(now.rule());
            }
        });
    }

    /** Reads the instances and signals (for the editor), then the rules. */
    public void start() {
        service.instances(found -> {
            instances.clear();
            instances.addAll(found);
            service.signals(signals -> {
                editor.offer(signals, instances);
                load();
            }, failure -> error.set(AlertingText.failure("Reading the signals", failure)));
        }, failure -> error.set(AlertingText.failure("Reading the instances", failure)));
        editor.startNew();
    }

    public void load() {
        service.rules(found -> {
            error.set("");
            Long keep = selected.get() == null ? null : selected.get().id();
            rules.setAll(found.stream().sorted(Comparator.comparing(AlertRule::name)).map(this::row).toList());
            long enabled = found.stream().filter(AlertRule::enabled).count();
            summary.set(found.size() + (found.size() == 1 ? " rule" : " rules") + ", " + enabled + " enabled");
            if (keep != null) {
                rules.stream().filter(r -> r.id() == keep).findFirst().ifPresent(selected::set);
            }
        }, failure -> error.set(AlertingText.failure("Reading the rules", failure)));
    }

    private RuleRow row(AlertRule r) {
        return new RuleRow(r.id(), r.name(), r.severity(), ConditionPart.describe(r.condition()), r.forDuration(),
                AlertingText.describe(r.scope(), instances), r.enabled() ? "enabled" : "disabled", r.packKey() == null ? "custom" : "default pack", r);
    }

    public void newRule() {
        selected.set(null);
        editor.startNew();
    }

    /** Deletes the selected rule (operators; confirmed first when the server asks). */
    public void delete() {
        RuleRow row = selected.get();
        if (!mayOperate || row == null) {
            return;
        }
        service.deleteRule(row.id(), () -> {
            selected.set(null);
            editor.startNew();
            load();
        }, failure -> {
            if (!(failure instanceof AdminService.Cancelled)) {
                error.set(AlertingText.failure("Deleting " + row.name(), failure));
            }
        });
    }

    public RuleEditorViewModel editor() {
        return editor;
    }

    public boolean mayOperate() {
        return mayOperate;
    }

    public ObservableList<RuleRow> rules() {
        return rules;
    }

    public ObjectProperty<RuleRow> selectedProperty() {
        return selected;
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }
}

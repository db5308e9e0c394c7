package io.pganalytics.console.alerting;

import io.pganalytics.common.alerting.RuleEffectiveness;
import io.pganalytics.common.alerting.TuningSuggestion;
import io.pganalytics.console.common.Figures;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.Comparator;
import java.util.List;

/**
 * The effectiveness tab: per rule over the last 7, 30 or 90 days, how often it fired, what it sent, the feedback (useful
 * or noise) and its noise share, the mean times to acknowledge and resolve; flagged rules first, and the selected row's
 * suggestions (a higher threshold, a longer {@code for}, a maintenance window, a lower sensitivity).
 */
public final class EffectivenessViewModel {
    public static final List<Integer> PERIODS = List.of(7, 30, 90);

    /** A rule's figures as the table shows them. */
    public record EffectivenessRow(long ruleId, String rule, String firings, String notifications, String useful, String noise,
                                   String noiseShare, String timeToAcknowledge, String timeToResolve, boolean flagged,
                                   List<TuningSuggestion> suggestions) {
    }

    /** A suggestion as the list under the table shows it. */
    public record SuggestionRow(String kind, String text, String proposed) {
    }

    private final AlertingService service;
    private final ObjectProperty<Integer> days = new SimpleObjectProperty<>(30);
    private final ObservableList<EffectivenessRow> rows = FXCollections.observableArrayList();
    private final ObjectProperty<EffectivenessRow> selected = new SimpleObjectProperty<>();
    private final ObservableList<SuggestionRow> suggestions = FXCollections.observableArrayList();
    private final StringProperty summary = new SimpleStringProperty("");
    private final StringProperty suggestionsTitle = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");

    public EffectivenessViewModel(AlertingService service) {
        this.service = service;
        days.addListener((o, was, now) -> load());
        selected.addListener((o, was, row) -> showSuggestions(row));
    }

    public void load() {
        int period = days.get() == null ? 30 : days.get();
        service.effectiveness(period, this::show, failure -> error.set(AlertingText.failure("Reading the rules' effectiveness", failure)));
    }

    void show(List<RuleEffectiveness> found) {
        error.set("");
        Long keep = selected.get() == null ? null : selected.get().ruleId();
        rows.setAll(found.stream().sorted(Comparator.comparing((RuleEffectiveness r) -> !r.flagged())
                .thenComparing(r -> -(r.noiseShare() == null ? -1 : r.noiseShare())).thenComparing(r -> -r.firings()))
                .map(EffectivenessViewModel::row).toList());
        long flagged = found.stream().filter(RuleEffectiveness::flagged).count();
        int firings = found.stream().mapToInt(RuleEffectiveness::firings).sum();
        int useful = found.stream().mapToInt(RuleEffectiveness::useful).sum();
        int noise = found.stream().mapToInt(RuleEffectiveness::noise).sum();
        summary.set(found.size() + " rules, " + firings + " firings over " + days.get() + " days; feedback " + useful + " useful, " + noise
                + " noise" + (useful + noise == 0 ? "" : " (" + Figures.percent((double) noise / (useful + noise)) + " noise)") + "; "
                + flagged + " flagged");
        EffectivenessRow again = keep == null ? null : rows.stream().filter(r -> r.ruleId() == keep).findFirst().orElse(null);
        if (again == null) {
            again = rows.stream().filter(EffectivenessRow::flagged).findFirst().orElse(null);
        }
        selected.set(again);
        showSuggestions(again);
    }

    private static EffectivenessRow row(RuleEffectiveness r) {
        return new EffectivenessRow(r.ruleId(), r.ruleName(), Integer.toString(r.firings()), Integer.toString(r.notifications()),
                Integer.toString(r.useful()), Integer.toString(r.noise()), r.noiseShare() == null ? Figures.NONE : Figures.percent(r.noiseShare()),
                Figures.seconds(r.meanTimeToAcknowledgeSeconds()), Figures.seconds(r.meanTimeToResolveSeconds()), r.flagged(), r.suggestions());
    }

    private void showSuggestions(EffectivenessRow row) {
        if (row == null) {
            suggestions.clear();
            suggestionsTitle.set("Choose a rule to see its suggestions; flagged rules (too much noise) come first.");
            return;
        }
        suggestions.setAll(row.suggestions().stream().map(s -> new SuggestionRow(label(s.kind()), s.text(), s.proposed())).toList());
        suggestionsTitle.set(row.suggestions().isEmpty()
                ? row.rule() + (row.flagged() ? " is flagged as noisy; no change would have kept its useful firings." : ": no suggestions.")
                : row.rule() + (row.flagged() ? " is flagged as noisy. " : ": ") + "What would have cut its noise:");
    }

    private static String label(String kind) {
        return switch (kind) {
            case "threshold" -> "higher threshold";
            case "for" -> "longer for";
            case "maintenance_window" -> "maintenance window";
            case "sensitivity" -> "lower sensitivity";
            default -> kind;
        };
    }

    public ObjectProperty<Integer> daysProperty() {
        return days;
    }

    public ObservableList<EffectivenessRow> rows() {
        return rows;
    }

    public ObjectProperty<EffectivenessRow> selectedProperty() {
        return selected;
    }

    public ObservableList<SuggestionRow> suggestions() {
        return suggestions;
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary;
    }

    public ReadOnlyStringProperty suggestionsTitleProperty() {
        return suggestionsTitle;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }
}

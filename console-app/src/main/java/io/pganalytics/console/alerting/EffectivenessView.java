package io.pganalytics.console.alerting;

import io.pganalytics.console.common.ui.Widgets;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.List;

import static io.pganalytics.console.alerting.RulesView.column;

/** The effectiveness tab: the per-rule table (flagged rows marked) and the selected rule's suggestions. */
public final class EffectivenessView {
    private final EffectivenessViewModel model;

    public EffectivenessView(EffectivenessViewModel model) {
        this.model = model;
    }

    public Node build() {
        ComboBox<Integer> days = new ComboBox<>();
        days.getItems().setAll(EffectivenessViewModel.PERIODS);
        days.setId("effectiveness-days");
        days.valueProperty().bindBidirectional(model.daysProperty());
        Label summary = new Label();
        summary.setId("effectiveness-summary");
        summary.getStyleClass().add("muted");
        summary.textProperty().bind(model.summaryProperty());
        HBox bar = new HBox(10, Widgets.label("Over the last", "field-label"), days, Widgets.label("days", "field-label"), summary);
        bar.setAlignment(Pos.CENTER_LEFT);

        TableView<EffectivenessViewModel.EffectivenessRow> table = new TableView<>(model.rows());
        table.setId("effectiveness-table");
        table.setPlaceholder(new Label("No rule has fired in this period."));
        TableColumn<EffectivenessViewModel.EffectivenessRow, String> flag = column("", r -> r.flagged() ? "⚑ noisy" : "", 80);
        table.getColumns().setAll(List.of(flag, column("Rule", EffectivenessViewModel.EffectivenessRow::rule, 220),
                column("Firings", EffectivenessViewModel.EffectivenessRow::firings, 70),
                column("Notifications", EffectivenessViewModel.EffectivenessRow::notifications, 100),
                column("Useful", EffectivenessViewModel.EffectivenessRow::useful, 70), column("Noise", EffectivenessViewModel.EffectivenessRow::noise, 70),
                column("Noise share", EffectivenessViewModel.EffectivenessRow::noiseShare, 100),
                column("Mean time to ack", EffectivenessViewModel.EffectivenessRow::timeToAcknowledge, 130),
                column("Mean time to resolve", EffectivenessViewModel.EffectivenessRow::timeToResolve, 140)));
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(EffectivenessViewModel.EffectivenessRow item, boolean empty) {
                super.updateItem(item, empty);
                getStyleClass().remove("flagged-row");
                if (!empty && item != null && item.flagged()) {
                    getStyleClass().add("flagged-row");
                }
            }
        });
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null) {
                model.selectedProperty().set(now);
            }
        });
        model.selectedProperty().addListener((o, was, now) -> {
            if (now != null && table.getSelectionModel().getSelectedItem() != now) {
                table.getSelectionModel().select(now);
            }
        });
        VBox.setVgrow(table, Priority.ALWAYS);

        Label title = new Label();
        title.setId("effectiveness-suggestions-title");
        title.setWrapText(true);
        title.textProperty().bind(model.suggestionsTitleProperty());
        TableView<EffectivenessViewModel.SuggestionRow> suggestions = new TableView<>(model.suggestions());
        suggestions.setId("effectiveness-suggestions");
        suggestions.setPlaceholder(new Label("No suggestions."));
        suggestions.getColumns().setAll(List.of(column("Change", EffectivenessViewModel.SuggestionRow::kind, 150),
                column("Proposed", EffectivenessViewModel.SuggestionRow::proposed, 200),
                column("Why", EffectivenessViewModel.SuggestionRow::text, 620)));
        suggestions.setPrefHeight(150);
        VBox card = new VBox(8, Widgets.label("Suggestions", "card-title"), title, suggestions);
        card.getStyleClass().add("card");
        Label error = Widgets.banner(model.errorProperty(), "error");
        error.setId("effectiveness-error");
        VBox page = new VBox(10, bar, error, table, card);
        page.setPadding(new Insets(8, 0, 0, 0));
        page.setId("effectiveness");
        return page;
    }
}

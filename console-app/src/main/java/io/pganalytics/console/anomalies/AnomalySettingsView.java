package io.pganalytics.console.anomalies;

import io.pganalytics.common.anomaly.AnomalySettings;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.console.common.ui.Widgets;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.function.Function;

/** An instance's anomaly settings: the learning state, the sensitivity, the exclusions and a form to add one. */
final class AnomalySettingsView {
    private final AnomalySettingsViewModel model;
    private final ObservableList<InstanceSummary> instances;

    AnomalySettingsView(AnomalySettingsViewModel model, ObservableList<InstanceSummary> instances) {
        this.model = model;
        this.instances = instances;
    }

    Node build() {
        ComboBox<InstanceSummary> instance = new ComboBox<>(instances);
        instance.setId("anomaly-settings-instance");
        instance.setPrefWidth(240);
        instance.setConverter(AnomaliesView.instanceNames());
        instance.setButtonCell(AnomaliesView.instanceCell());
        instance.setCellFactory(list -> AnomaliesView.instanceCell());
        instance.valueProperty().bindBidirectional(model.instanceProperty());
        HBox top = new HBox(10, Widgets.label("Instance", "field-label"), instance, Widgets.spinner(model.busyProperty()));
        top.setAlignment(Pos.CENTER_LEFT);

        Label learning = new Label();
        learning.setId("anomaly-learning");
        learning.textProperty().bind(model.learningTextProperty());
        learning.setWrapText(true);
        learning.setMaxWidth(Double.MAX_VALUE);
        learning.getStyleClass().add("banner");
        model.learningProperty().addListener((o, a, now) -> learningStyle(learning, now));
        learningStyle(learning, model.learningProperty().get());

        Label ok = Widgets.banner(model.statusProperty(), "info");
        ok.setId("anomaly-settings-status");
        Label bad = Widgets.banner(model.errorProperty(), "error");
        bad.setId("anomaly-settings-error");
        VBox page = new VBox(12, top, learning, sensitivity(), exclusions(), ok, bad);
        page.setPadding(new Insets(10, 0, 0, 0));
        page.setMaxWidth(1100);
        ScrollPane scroll = new ScrollPane(page);
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("edge-to-edge");
        return scroll;
    }

    private static void learningStyle(Label label, boolean learning) {
        label.getStyleClass().removeAll("banner-warning", "banner-info");
        label.getStyleClass().add(learning ? "banner-warning" : "banner-info");
    }

    private Node sensitivity() {
        ComboBox<String> level = new ComboBox<>();
        level.getItems().setAll(AnomalySettings.LOW, AnomalySettings.NORMAL, AnomalySettings.HIGH);
        level.setId("anomaly-sensitivity");
        level.valueProperty().bindBidirectional(model.sensitivityProperty());
        level.setDisable(!model.mayOperate());
        Button save = new Button("Save sensitivity");
        save.setId("anomaly-sensitivity-save");
        save.getStyleClass().add("accent");
        save.setOnAction(e -> model.saveSensitivity());
        save.setDisable(!model.mayOperate());
        HBox row = new HBox(10, level, save);
        row.setAlignment(Pos.CENTER_LEFT);
        Label help = Widgets.label("low: every threshold ×1.5, fewer and larger anomalies  ·  normal  ·  high: ×0.75, more and smaller ones. "
                + "It applies to what is scored from now on.", "muted");
        help.setWrapText(true);
        Label changed = new Label();
        changed.getStyleClass().add("muted");
        changed.textProperty().bind(model.changedTextProperty());
        VBox card = new VBox(8, Widgets.label("Sensitivity", "card-title"), help, row, changed);
        card.getStyleClass().add("card");
        return card;
    }

    private Node exclusions() {
        TableView<AnomalySettingsViewModel.ExclusionRow> table = new TableView<>(model.exclusions());
        table.setId("anomaly-exclusions");
        table.setPlaceholder(new Label("No exclusions: every window is scored and learned from."));
        TableColumn<AnomalySettingsViewModel.ExclusionRow, String> remove = new TableColumn<>("");
        remove.setPrefWidth(90);
        remove.setCellFactory(c -> new TableCell<>() {
            private final Button button = new Button("Remove");

            {
                button.setOnAction(e -> model.removeExclusion(getTableRow().getItem()));
                button.setDisable(!model.mayOperate());
            }

            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setGraphic(empty ? null : button);
            }
        });
        table.getColumns().setAll(List.of(
                column("Series", AnomalySettingsViewModel.ExclusionRow::series, 220),
                column("Window", AnomalySettingsViewModel.ExclusionRow::window, 260),
                column("Reason", AnomalySettingsViewModel.ExclusionRow::reason, 360),
                column("By", AnomalySettingsViewModel.ExclusionRow::createdBy, 90),
                remove));
        table.setPrefHeight(180);

        ComboBox<String> series = new ComboBox<>(model.seriesChoices());
        series.setId("exclusion-series");
        series.setEditable(true);
        series.setPrefWidth(220);
        series.valueProperty().bindBidirectional(model.newSeriesProperty());
        TextField from = field("exclusion-from", "2026-12-07 02:00", model.newFromProperty());
        TextField to = field("exclusion-to", "2026-12-07 04:00", model.newToProperty());
        TextField reason = field("exclusion-reason", "nightly batch load", model.newReasonProperty());
        reason.setPrefColumnCount(28);
        Button add = new Button("Add exclusion");
        add.setId("exclusion-add");
        add.setOnAction(e -> model.addExclusion());
        add.setTooltip(new Tooltip("Points in the window are neither flagged nor learned from"));
        GridPane form = new GridPane(10, 6);
        form.addRow(0, Widgets.label("Series", "field-label"), Widgets.label("From (UTC)", "field-label"), Widgets.label("To (UTC)", "field-label"),
                Widgets.label("Reason", "field-label"));
        form.addRow(1, series, from, to, reason, add);
        for (Node node : List.of(series, from, to, reason, add)) {
            node.setDisable(!model.mayOperate());
        }
        Label help = Widgets.label("A window in which a series (or every series) is neither flagged nor learned from: a maintenance, a "
                + "planned load test. At most 100 per instance.", "muted");
        help.setWrapText(true);
        VBox card = new VBox(8, Widgets.label("Exclusions", "card-title"), help, table, form);
        if (!model.mayOperate()) {
            card.getChildren().add(Widgets.label("Changing the sensitivity and the exclusions needs the operator or admin role.", "muted"));
        }
        card.getStyleClass().add("card");
        return card;
    }

    private static TextField field(String id, String prompt, javafx.beans.property.StringProperty value) {
        TextField field = new TextField();
        field.setId(id);
        field.setPromptText(prompt);
        field.setPrefColumnCount(11);
        field.textProperty().bindBidirectional(value);
        return field;
    }

    private static <T> TableColumn<T, String> column(String title, Function<T, String> value, double width) {
        TableColumn<T, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        column.setPrefWidth(width);
        return column;
    }
}

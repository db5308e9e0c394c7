package io.pganalytics.console.alerting;

import io.pganalytics.common.alerting.Condition;
import io.pganalytics.console.common.ui.Widgets;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.StringProperty;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.function.Function;

/** The rules tab: the list on the left, the editor with its condition builder and 7-day preview on the right. */
public final class RulesView {
    private final RulesViewModel model;

    public RulesView(RulesViewModel model) {
        this.model = model;
    }

    public Node build() {
        SplitPane split = new SplitPane(list(), editor());
        split.setDividerPositions(0.38);
        Label error = Widgets.banner(model.errorProperty(), "error");
        error.setId("rules-error");
        VBox page = new VBox(8, error, split);
        VBox.setVgrow(split, Priority.ALWAYS);
        page.setId("alert-rules");
        page.setPadding(new Insets(8, 0, 0, 0));
        return page;
    }

    private Node list() {
        TableView<RulesViewModel.RuleRow> table = new TableView<>(model.rules());
        table.setId("rules-table");
        table.setPlaceholder(new Label("No rules yet."));
        TableColumn<RulesViewModel.RuleRow, String> severity = column("Severity", RulesViewModel.RuleRow::severity, 80);
        severity.setCellFactory(c -> severityCell());
        table.getColumns().setAll(List.of(column("Name", RulesViewModel.RuleRow::name, 190), severity,
                column("Condition", RulesViewModel.RuleRow::condition, 240), column("For", RulesViewModel.RuleRow::forDuration, 50),
                column("Scope", RulesViewModel.RuleRow::scope, 120), column("State", RulesViewModel.RuleRow::state, 80),
                column("Origin", RulesViewModel.RuleRow::origin, 90)));
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(RulesViewModel.RuleRow item, boolean empty) {
                super.updateItem(item, empty);
                getStyleClass().remove("muted-row");
                if (!empty && item != null && !item.rule().enabled()) {
                    getStyleClass().add("muted-row");
                }
            }
        });
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> model.selectedProperty().set(now));
        model.selectedProperty().addListener((o, was, now) -> {
            if (now == null) {
                table.getSelectionModel().clearSelection();
            } else if (table.getSelectionModel().getSelectedItem() != now) {
                table.getSelectionModel().select(now);
            }
        });
        VBox.setVgrow(table, Priority.ALWAYS);
        Button add = new Button("New rule");
        add.setId("rule-new");
        add.setOnAction(e -> model.newRule());
        add.setDisable(!model.mayOperate());
        Button delete = new Button("Delete…");
        delete.setId("rule-delete");
        delete.setOnAction(e -> model.delete());
        delete.disableProperty().bind(model.selectedProperty().isNull().or(new javafx.beans.property.SimpleBooleanProperty(!model.mayOperate())));
        Label summary = new Label();
        summary.setId("rules-summary");
        summary.getStyleClass().add("muted");
        summary.textProperty().bind(model.summaryProperty());
        HBox bar = new HBox(8, add, delete, Widgets.grow(), summary);
        bar.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(8, bar, table);
        box.setPadding(new Insets(0, 8, 0, 0));
        return box;
    }

    private Node editor() {
        RuleEditorViewModel editor = model.editor();
        Label title = new Label();
        title.setId("rule-title");
        title.getStyleClass().add("card-title");
        title.textProperty().bind(editor.titleProperty());

        TextField name = field("rule-name", "ConnectionSaturation", editor.nameProperty());
        ComboBox<String> severity = combo("rule-severity", RuleEditorViewModel.SEVERITIES, editor.severityProperty());
        CheckBox enabled = new CheckBox("enabled");
        enabled.setId("rule-enabled");
        enabled.selectedProperty().bindBidirectional(editor.enabledProperty());
        TextField forDuration = field("rule-for", "5m", editor.forDurationProperty());
        forDuration.setPrefColumnCount(5);
        TextField scopeInstances = field("rule-scope-instances", "all instances (or: shop-primary, shop-replica)", editor.scopeInstancesProperty());
        TextField scopeLabels = field("rule-scope-labels", "or instances labelled env=prod", editor.scopeLabelsProperty());
        TextField labels = field("rule-labels", "team=db, page=yes", editor.labelsProperty());
        TextField summary = field("rule-summary", "{{instance}}: {{value}} connections", editor.summaryProperty());
        TextArea description = new TextArea();
        description.setId("rule-description");
        description.setPromptText("Why the rule exists and what to do when it fires");
        description.setPrefRowCount(2);
        description.setWrapText(true);
        description.textProperty().bindBidirectional(editor.descriptionProperty());
        ComboBox<String> escalateTo = combo("rule-escalate-to", List.of(RuleEditorViewModel.NO_ESCALATION, "warning", "critical"),
                editor.escalateToProperty());
        TextField escalateAfter = field("rule-escalate-after", "after 30m", editor.escalateAfterProperty());
        escalateAfter.setPrefColumnCount(6);
        TextField escalateAbove = field("rule-escalate-above", "or at level", editor.escalateAboveProperty());
        escalateAbove.setPrefColumnCount(7);

        GridPane form = new GridPane(10, 6);
        int row = 0;
        form.addRow(row++, Widgets.label("Name", "field-label"), new HBox(8, name, severity, enabled));
        form.addRow(row++, Widgets.label("Condition", "field-label"), conditionBuilder(editor));
        form.addRow(row++, Widgets.label("For", "field-label"), new HBox(8, forDuration,
                Widgets.label("how long the condition must hold before the alert fires (0s: at once)", "muted")));
        form.addRow(row++, Widgets.label("Scope", "field-label"), new HBox(8, scopeInstances, scopeLabels));
        form.addRow(row++, Widgets.label("Labels", "field-label"), labels);
        form.addRow(row++, Widgets.label("Summary", "field-label"), summary);
        form.addRow(row++, Widgets.label("Escalate to", "field-label"), new HBox(8, escalateTo, escalateAfter, escalateAbove));
        form.addRow(row, Widgets.label("Description", "field-label"), description);
        for (Node n : List.of(name, severity, enabled, forDuration, scopeInstances, scopeLabels, labels, summary, description, escalateTo,
                escalateAfter, escalateAbove)) {
            n.setDisable(!editor.mayOperate());
        }
        scopeInstances.setPrefColumnCount(22);
        scopeLabels.setPrefColumnCount(16);

        Button preview = new Button("Preview 7 days");
        preview.setId("rule-preview");
        preview.setOnAction(e -> editor.preview());
        Button save = new Button("Save rule");
        save.setId("rule-save");
        save.getStyleClass().add("accent");
        save.setOnAction(e -> editor.save());
        save.setDisable(!editor.mayOperate());
        HBox actions = new HBox(10, preview, save, Widgets.spinner(editor.busyProperty()));
        actions.setAlignment(Pos.CENTER_LEFT);
        Label ok = Widgets.banner(editor.statusProperty(), "info");
        ok.setId("rule-status");
        Label bad = Widgets.banner(editor.errorProperty(), "error");
        bad.setId("rule-error");

        VBox card = new VBox(10, title, form, actions, ok, bad, preview(editor));
        if (!editor.mayOperate()) {
            card.getChildren().add(Widgets.label("Changing rules needs the operator or admin role; the preview is open to every role.", "muted"));
        }
        card.getStyleClass().add("card");
        ScrollPane scroll = new ScrollPane(card);
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("edge-to-edge");
        return scroll;
    }

    /** One row per part; a combine chooser when several. Rebuilt when the parts change. */
    private Node conditionBuilder(RuleEditorViewModel editor) {
        ComboBox<String> combine = combo("rule-combine", RuleEditorViewModel.COMBINES, editor.combineProperty());
        combine.setDisable(!editor.mayOperate());
        Button add = new Button("+ condition");
        add.setId("rule-add-part");
        add.setOnAction(e -> editor.addPart());
        add.setDisable(!editor.mayOperate());
        VBox rows = new VBox(6);
        rows.setId("rule-parts");
        Runnable fill = () -> {
            rows.getChildren().clear();
            for (int i = 0; i < editor.parts().size(); i++) {
                rows.getChildren().add(partRow(editor, editor.parts().get(i), i));
            }
        };
        editor.parts().addListener((ListChangeListener<ConditionPart>) c -> fill.run());
        fill.run();
        Label help = new Label();
        help.getStyleClass().add("muted");
        help.setWrapText(true);
        help.textProperty().bind(editor.signalHelpProperty());
        HBox top = new HBox(8, Widgets.label("match", "muted"), combine, add);
        top.setAlignment(Pos.CENTER_LEFT);
        return new VBox(6, top, rows, help);
    }

    private Node partRow(RuleEditorViewModel editor, ConditionPart part, int index) {
        ComboBox<String> kind = combo("rule-part-kind-" + index, ConditionPart.KINDS, part.kindProperty());
        ComboBox<String> signal = new ComboBox<>(editor.signals());
        signal.setId("rule-part-signal-" + index);
        signal.setEditable(true);
        signal.setPrefWidth(230);
        signal.valueProperty().bindBidirectional(part.signalProperty());
        signal.valueProperty().addListener((o, was, now) -> editor.describeSignal(now));
        ComboBox<String> op = combo("rule-part-op-" + index, ConditionPart.OPS, part.opProperty());
        TextField value = field("rule-part-value-" + index, "value", part.valueProperty());
        value.setPrefColumnCount(6);
        TextField window = field("rule-part-window-" + index, "window 15m", part.windowProperty());
        window.setPrefColumnCount(6);
        TextField series = field("rule-part-series-" + index, "series glob (any)", part.seriesProperty());
        series.setPrefColumnCount(12);
        ComboBox<String> minSeverity = combo("rule-part-severity-" + index, ConditionPart.ANOMALY_SEVERITIES, part.minSeverityProperty());
        Button remove = new Button("−");
        remove.setOnAction(e -> editor.removePart(part));
        HBox row = new HBox(6);
        row.setAlignment(Pos.CENTER_LEFT);
        Runnable layout = () -> {
            String k = part.kindProperty().get();
            row.getChildren().setAll(kind);
            switch (k == null ? "" : k) {
                case Condition.THRESHOLD -> row.getChildren().addAll(signal, op, value);
                case Condition.RATE_OF_CHANGE -> row.getChildren().addAll(signal, window, Widgets.label("per hour", "muted"), op, value);
                case Condition.ABSENCE -> row.getChildren().addAll(signal, Widgets.label("silent for", "muted"), window);
                case Condition.ANOMALY -> row.getChildren().addAll(series, Widgets.label("at least", "muted"), minSeverity);
                default -> { }
            }
            if (editor.parts().size() > 1) {
                row.getChildren().add(remove);
            }
        };
        part.kindProperty().addListener((o, was, now) -> layout.run());
        layout.run();
        row.setDisable(!editor.mayOperate());
        return row;
    }

    private Node preview(RuleEditorViewModel editor) {
        Label summary = new Label();
        summary.setId("rule-preview-summary");
        summary.setWrapText(true);
        summary.textProperty().bind(editor.previewSummaryProperty());
        CategoryAxis days = new CategoryAxis();
        days.setLabel("day (UTC)");
        NumberAxis count = new NumberAxis();
        count.setLabel("firings");
        count.setMinorTickVisible(false);
        count.setTickUnit(1);
        BarChart<String, Number> chart = new BarChart<>(days, count);
        chart.setId("rule-preview-chart");
        chart.setLegendVisible(false);
        chart.setAnimated(false);
        chart.setPrefHeight(200);
        chart.setMinHeight(160);
        XYChart.Series<String, Number> series = new XYChart.Series<>();
        chart.getData().add(series);
        Runnable plot = () -> series.getData().setAll(editor.previewDays().stream()
                .map(d -> new XYChart.Data<String, Number>(d.day(), d.firings())).toList());
        editor.previewDays().addListener((ListChangeListener<RuleEditorViewModel.DayCount>) c -> plot.run());
        plot.run();
        TableView<RuleEditorViewModel.PreviewRow> table = new TableView<>(editor.previewRows());
        table.setId("rule-preview-table");
        table.setPlaceholder(new Label("No firings to show."));
        table.getColumns().setAll(List.of(column("Instance", RuleEditorViewModel.PreviewRow::instance, 160),
                column("Would have fired", RuleEditorViewModel.PreviewRow::firedAt, 150),
                column("Resolved", RuleEditorViewModel.PreviewRow::resolvedAt, 150),
                column("Lasted", RuleEditorViewModel.PreviewRow::duration, 90), column("Peak", RuleEditorViewModel.PreviewRow::peak, 90)));
        table.setPrefHeight(170);
        VBox box = new VBox(6, Widgets.label("Preview: the last 7 days", "field-label"), summary, chart, table);
        box.setId("rule-preview-pane");
        return box;
    }

    private static javafx.scene.control.TableCell<RulesViewModel.RuleRow, String> severityCell() {
        return new javafx.scene.control.TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                getStyleClass().removeAll("severity-critical", "severity-warning");
                setText(empty ? null : item);
                if (!empty && item != null && !"info".equals(item)) {
                    getStyleClass().add("severity-" + item);
                }
            }
        };
    }

    static TextField field(String id, String prompt, StringProperty value) {
        TextField field = new TextField();
        field.setId(id);
        field.setPromptText(prompt);
        field.textProperty().bindBidirectional(value);
        return field;
    }

    static ComboBox<String> combo(String id, List<String> choices, StringProperty value) {
        ComboBox<String> box = new ComboBox<>();
        box.getItems().setAll(choices);
        box.setId(id);
        box.valueProperty().bindBidirectional(value);
        return box;
    }

    static <T> TableColumn<T, String> column(String title, Function<T, String> value, double width) {
        TableColumn<T, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        column.setPrefWidth(width);
        return column;
    }
}

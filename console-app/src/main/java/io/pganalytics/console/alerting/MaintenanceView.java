package io.pganalytics.console.alerting;

import io.pganalytics.console.common.ui.Widgets;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

import java.util.ArrayList;
import java.util.List;

import static io.pganalytics.console.alerting.RulesView.column;
import static io.pganalytics.console.alerting.RulesView.field;

/** The maintenance tab: the windows, what the selected one suppressed, and the form of a window. */
public final class MaintenanceView {
    private final MaintenanceViewModel model;

    public MaintenanceView(MaintenanceViewModel model) {
        this.model = model;
    }

    public Node build() {
        TableView<MaintenanceViewModel.WindowRow> table = new TableView<>(model.windows());
        table.setId("maintenance-table");
        table.setPlaceholder(new Label("No maintenance windows."));
        table.getColumns().setAll(List.of(column("Name", MaintenanceViewModel.WindowRow::name, 180),
                column("Scope", MaintenanceViewModel.WindowRow::scope, 150), column("When", MaintenanceViewModel.WindowRow::when, 300),
                column("State", MaintenanceViewModel.WindowRow::state, 80), column("Opens next", MaintenanceViewModel.WindowRow::next, 150),
                column("Reason", MaintenanceViewModel.WindowRow::reason, 240)));
        table.setPrefHeight(200);
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null) {
                model.selectedProperty().set(now);
            }
        });
        model.selectedProperty().addListener((o, was, now) -> {
            if (now == null) {
                table.getSelectionModel().clearSelection();
            } else if (table.getSelectionModel().getSelectedItem() != now) {
                table.getSelectionModel().select(now);
            }
        });
        Button add = new Button("New window");
        add.setId("maintenance-new");
        add.setOnAction(e -> model.startNew());
        add.setDisable(!model.mayOperate());
        Button delete = new Button("Delete");
        delete.setId("maintenance-delete");
        delete.setOnAction(e -> model.delete());
        delete.disableProperty().bind(model.selectedProperty().isNull().or(new javafx.beans.property.SimpleBooleanProperty(!model.mayOperate())));
        HBox bar = new HBox(8, Widgets.label("Maintenance windows", "card-title"), Widgets.grow(), add, delete);
        bar.setAlignment(Pos.CENTER_LEFT);

        TableView<MaintenanceViewModel.SuppressedRow> suppressed = new TableView<>(model.suppressed());
        suppressed.setId("maintenance-suppressed");
        suppressed.setPlaceholder(new Label("Nothing suppressed."));
        suppressed.getColumns().setAll(List.of(column("Rule", MaintenanceViewModel.SuppressedRow::rule, 200),
                column("Instance", MaintenanceViewModel.SuppressedRow::instance, 160),
                column("Severity", MaintenanceViewModel.SuppressedRow::severity, 80), column("State now", MaintenanceViewModel.SuppressedRow::state, 90),
                column("First held back", MaintenanceViewModel.SuppressedRow::firstAt, 150),
                column("Last held back", MaintenanceViewModel.SuppressedRow::lastAt, 150)));
        suppressed.setPrefHeight(160);
        Label suppressedTitle = new Label();
        suppressedTitle.setId("maintenance-suppressed-title");
        suppressedTitle.textProperty().bind(model.suppressedTitleProperty());

        Label ok = Widgets.banner(model.statusProperty(), "info");
        ok.setId("maintenance-status");
        Label bad = Widgets.banner(model.errorProperty(), "error");
        bad.setId("maintenance-error");
        VBox page = new VBox(12, card(bar, table), card(Widgets.label("What it suppressed", "card-title"), suppressedTitle, suppressed), form(), ok, bad);
        page.setPadding(new Insets(8, 0, 0, 0));
        page.setId("maintenance");
        ScrollPane scroll = new ScrollPane(page);
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("edge-to-edge");
        return scroll;
    }

    private Node form() {
        Label title = new Label();
        title.getStyleClass().add("card-title");
        title.textProperty().bind(model.formTitleProperty());
        TextField name = field("maintenance-name", "PostgreSQL 17 upgrade", model.nameProperty());
        name.setPrefColumnCount(24);
        TextField instances = field("maintenance-instances", "all instances (or: shop-primary)", model.scopeInstancesProperty());
        instances.setPrefColumnCount(20);
        TextField labels = field("maintenance-labels", "or labelled env=staging", model.scopeLabelsProperty());
        CheckBox recurring = new CheckBox("recurring");
        recurring.setId("maintenance-recurring");
        recurring.selectedProperty().bindBidirectional(model.recurringProperty());
        TextField from = field("maintenance-from", "2026-12-08 02:00", model.fromProperty());
        TextField to = field("maintenance-to", "2026-12-08 04:00", model.toProperty());
        Label fromLabel = Widgets.label("From (UTC)", "field-label");
        Label toLabel = Widgets.label("Until (UTC)", "field-label");
        model.recurringProperty().addListener((o, was, on) -> {
            fromLabel.setText(on ? "First start (UTC, optional)" : "From (UTC)");
            toLabel.setText(on ? "Last end (UTC, optional)" : "Until (UTC)");
        });
        HBox days = new HBox(6);
        List<CheckBox> boxes = new ArrayList<>();
        for (String day : MaintenanceViewModel.DAYS) {
            CheckBox box = new CheckBox(day);
            box.setId("maintenance-day-" + day);
            box.selectedProperty().addListener((o, was, on) -> model.toggleDay(day, on));
            boxes.add(box);
            days.getChildren().add(box);
        }
        model.days().addListener((ListChangeListener<String>) c -> boxes.forEach(b -> b.setSelected(model.days().contains(b.getText()))));
        TextField start = field("maintenance-start", "02:00", model.startProperty());
        start.setPrefColumnCount(5);
        TextField duration = field("maintenance-duration", "2h", model.durationProperty());
        duration.setPrefColumnCount(5);
        TextField zone = field("maintenance-zone", "Europe/Paris", model.timeZoneProperty());
        zone.setPrefColumnCount(12);
        HBox repeat = new HBox(8, days, Widgets.label("at", "muted"), start, Widgets.label("for", "muted"), duration, Widgets.label("in", "muted"), zone);
        repeat.setAlignment(Pos.CENTER_LEFT);
        repeat.visibleProperty().bind(model.recurringProperty());
        repeat.managedProperty().bind(model.recurringProperty());
        TextField reason = field("maintenance-reason", "why (shown beside what it suppressed)", model.reasonProperty());
        Button save = new Button("Save window");
        save.setId("maintenance-save");
        save.getStyleClass().add("accent");
        save.setOnAction(e -> model.save());
        GridPane grid = new GridPane(10, 6);
        grid.addRow(0, Widgets.label("Name", "field-label"), name, recurring);
        grid.addRow(1, Widgets.label("Scope", "field-label"), instances, labels);
        grid.addRow(2, fromLabel, from);
        grid.addRow(3, toLabel, to);
        grid.addRow(4, Widgets.label("Reason", "field-label"), reason);
        VBox card = card(title, grid, repeat, save);
        for (Node n : List.of(name, instances, labels, recurring, from, to, repeat, reason, save)) {
            n.setDisable(!model.mayOperate());
        }
        if (!model.mayOperate()) {
            card.getChildren().add(Widgets.label("Changing maintenance windows needs the operator or admin role.", "muted"));
        }
        return card;
    }

    private static VBox card(Node... children) {
        VBox card = new VBox(8, children);
        card.getStyleClass().add("card");
        return card;
    }
}

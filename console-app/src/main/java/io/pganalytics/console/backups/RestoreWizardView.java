package io.pganalytics.console.backups;

import io.pganalytics.console.common.ui.Widgets;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.RadioButton;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The restore wizard: 1, the recovery windows on a timeline (click one to restore to its end); 2, the point (latest,
 * or a date and time in UTC) and the target directory; 3, the dry run's plan; 4, the restore, enabled after a dry run
 * of the same inputs, with its progress.
 */
final class RestoreWizardView {
    private final RestoreWizardViewModel model;

    RestoreWizardView(RestoreWizardViewModel model) {
        this.model = model;
    }

    Node build() {
        // two columns, so that the whole wizard (windows and choice; plan and restore) fits one screen
        VBox choose = new VBox(12, timelineCard(), choiceCard());
        VBox run = new VBox(12, planCard(), restoreCard());
        for (VBox column : new VBox[]{choose, run}) {
            HBox.setHgrow(column, Priority.ALWAYS);
            column.setPrefWidth(600);
        }
        HBox page = new HBox(12, choose, run);
        page.setId("restore-wizard");
        page.setPadding(new Insets(8, 4, 8, 4));
        ScrollPane scroll = new ScrollPane(page);
        scroll.setFitToWidth(true);
        return scroll;
    }

    private Node timelineCard() {
        Pane timeline = new Pane();
        timeline.setId("restore-timeline");
        timeline.getStyleClass().add("backup-timeline");
        timeline.setPrefHeight(34);
        timeline.setMinHeight(34);
        Runnable draw = () -> draw(timeline);
        model.spans().addListener((ListChangeListener<RestoreWizardViewModel.Span>) c -> draw.run());
        timeline.widthProperty().addListener((o, was, now) -> draw.run());
        Label from = new Label();
        from.getStyleClass().add("muted");
        from.textProperty().bind(model.timelineFromProperty());
        Label to = new Label();
        to.getStyleClass().add("muted");
        to.textProperty().bind(model.timelineToProperty());
        HBox ends = new HBox(from, Widgets.grow(), to);
        Label help = Widgets.label("Each bar is a span of time the database can be restored to any point of: from a backup's end "
                + "to the newest WAL archived without a gap after it. Click a bar to restore to its end. Times are UTC.", "muted");
        help.setWrapText(true);
        VBox card = new VBox(6, Widgets.label("1. Recovery windows", "card-title"), help, timeline, ends);
        card.getStyleClass().add("card");
        return card;
    }

    private void draw(Pane timeline) {
        double width = timeline.getWidth();
        timeline.getChildren().setAll(model.spans().stream().map(span -> {
            Region bar = new Region();
            bar.getStyleClass().add("backup-window");
            bar.setId("restore-window-" + span.window().backupId());
            double x = span.start() * width;
            bar.resizeRelocate(x, 6, Math.max(6, (span.end() - span.start()) * width), 22);
            Tooltip.install(bar, new Tooltip(span.label()));
            bar.setOnMouseClicked(e -> model.choose(span.window()));
            return (Node) bar;
        }).toList());
        if (model.spans().isEmpty()) {
            Label none = Widgets.label("No recovery window yet: a restore needs a complete backup.", "muted");
            none.relocate(8, 8);
            timeline.getChildren().add(none);
        }
    }

    private Node choiceCard() {
        ToggleGroup point = new ToggleGroup();
        RadioButton latest = new RadioButton("The latest point");
        latest.setId("restore-latest");
        latest.setToggleGroup(point);
        RadioButton at = new RadioButton("A point in time (UTC)");
        at.setId("restore-at");
        at.setToggleGroup(point);
        latest.setSelected(model.latestProperty().get());
        at.setSelected(!model.latestProperty().get());
        model.latestProperty().addListener((o, was, now) -> (now ? latest : at).setSelected(true));
        point.selectedToggleProperty().addListener((o, was, now) -> model.latestProperty().set(now == latest));
        TextField date = field("restore-date", 10, "2026-12-07");
        date.textProperty().bindBidirectional(model.dateProperty());
        TextField time = field("restore-time", 8, "08:30:00");
        time.textProperty().bindBidirectional(model.timeProperty());
        date.disableProperty().bind(model.latestProperty());
        time.disableProperty().bind(model.latestProperty());
        TextField target = field("restore-target", 28, "/var/lib/pganalytics/restore-2026-12-07");
        target.textProperty().bindBidirectional(model.targetProperty());
        Label choice = new Label();
        choice.setId("restore-choice");
        choice.textProperty().bind(model.choiceProperty());
        choice.setWrapText(true);
        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(8);
        grid.addRow(0, latest);
        HBox when = new HBox(8, at, date, time, Widgets.label("UTC", "muted"));
        when.setAlignment(Pos.CENTER_LEFT);
        grid.addRow(1, when);
        grid.addRow(2, new VBox(4, Widgets.label("Target directory on the server's host", "field-label"), target));
        Label help = Widgets.label("The restore goes into a new directory (absent or empty), never over the live database; "
                + "switching over is the runbook in docs/backup/restore.md.", "muted");
        help.setWrapText(true);
        VBox card = new VBox(8, Widgets.label("2. Point and target", "card-title"), grid, choice, help);
        card.getStyleClass().add("card");
        return card;
    }

    private Node planCard() {
        Button dryRun = new Button("Dry run");
        dryRun.setId("restore-dry-run");
        dryRun.setOnAction(e -> model.dryRun());
        dryRun.disableProperty().bind(model.busyProperty());
        dryRun.setVisible(model.mayPlan());
        dryRun.managedProperty().bind(dryRun.visibleProperty());
        Label summary = new Label();
        summary.setId("restore-plan-summary");
        summary.textProperty().bind(model.planSummaryProperty());
        summary.setWrapText(true);
        ListView<String> steps = new ListView<>(model.steps());
        steps.setId("restore-steps");
        steps.setPrefHeight(130);
        ListView<String> warnings = new ListView<>(model.warnings());
        warnings.setId("restore-warnings");
        warnings.setPrefHeight(70);
        warnings.visibleProperty().bind(Bindings.isNotEmpty(model.warnings()));
        warnings.managedProperty().bind(warnings.visibleProperty());
        Label warningsTitle = Widgets.label("Warnings", "field-label");
        warningsTitle.visibleProperty().bind(warnings.visibleProperty());
        warningsTitle.managedProperty().bind(warnings.visibleProperty());
        Label error = Widgets.banner(model.errorProperty(), "error");
        error.setId("restore-error");
        error.setWrapText(true);
        Label status = Widgets.banner(model.statusProperty(), "info");
        status.setId("restore-status");
        status.setWrapText(true);
        Node spinner = Widgets.spinner(model.busyProperty());
        VBox card = new VBox(8, Widgets.label("3. Dry run", "card-title"),
                Widgets.label(model.mayPlan() ? "Plans the restore and checks it against the repository; nothing is written."
                        : "A dry run needs the operator or admin role.", "muted"),
                new HBox(8, dryRun, spinner), summary, Widgets.label("Steps", "field-label"), steps, warningsTitle, warnings, status, error);
        card.getStyleClass().add("card");
        return card;
    }

    private Node restoreCard() {
        Button restore = new Button("Restore");
        restore.setId("restore-start");
        restore.getStyleClass().add("accent");
        restore.setOnAction(e -> model.restore());
        restore.disableProperty().bind(model.restoreEnabledProperty().not());
        restore.setVisible(model.mayRestore());
        restore.managedProperty().bind(restore.visibleProperty());
        HBox run = new HBox(10, restore, BackupsView.progressBar("restore-progress", model.progress()),
                BackupsView.progressText("restore-progress-text", model.progress()));
        run.setAlignment(Pos.CENTER_LEFT);
        VBox card = new VBox(8, Widgets.label("4. Restore", "card-title"),
                Widgets.label(model.mayRestore() ? "Enabled after a dry run of the same point and target; the server asks you to confirm."
                        : "Only an admin can restore.", "muted"), run);
        card.getStyleClass().add("card");
        return card;
    }

    private static TextField field(String id, int columns, String prompt) {
        TextField field = new TextField();
        field.setId(id);
        field.setPrefColumnCount(columns);
        field.setPromptText(prompt);
        return field;
    }
}

package io.pganalytics.console.backups;

import io.pganalytics.console.common.ui.Widgets;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.StringProperty;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.function.Function;

/**
 * The Backups screen: health on top; tabs for the catalogue (runs with their progress, the backups, the selected one's
 * checks, the repositories and WAL archiving on the right), the restore wizard, the schedule and retention, and the
 * monitored instances' archiving.
 */
public final class BackupsView {
    private final BackupsViewModel model;

    public BackupsView(BackupsViewModel model) {
        this.model = model;
    }

    public Node build() {
        TabPane tabs = new TabPane(
                tab("Backups", "tab-catalogue", catalogueTab()),
                tab("Restore", "tab-restore", new RestoreWizardView(model.wizard()).build()),
                tab("Schedule and retention", "tab-schedule", scheduleTab()),
                tab("Monitored instances' archiving", "tab-archiving", archivingTab()));
        tabs.setId("backups-tabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        VBox.setVgrow(tabs, Priority.ALWAYS);
        VBox page = new VBox(10, healthLine(), tabs);
        page.setId("backups");
        page.setPadding(new Insets(12, 20, 12, 20));
        return page;
    }

    private static Tab tab(String title, String id, Node content) {
        Tab tab = new Tab(title, content);
        tab.setId(id);
        return tab;
    }

    private Node healthLine() {
        Label health = new Label();
        health.setId("backups-health");
        health.getStyleClass().add("card-title");
        health.textProperty().bind(model.healthProperty());
        health.setGraphic(Lights.light(model.healthLightProperty()));
        Label summary = new Label();
        summary.setId("backups-summary");
        summary.getStyleClass().add("muted");
        summary.textProperty().bind(model.summaryProperty());
        summary.setWrapText(true);
        VBox problems = new VBox(2);
        problems.setId("backups-problems");
        Runnable listProblems = () -> problems.getChildren().setAll(model.problems().stream().map(p -> {
            Label line = new Label("• " + p);
            line.setWrapText(true);
            return line;
        }).toList());
        model.problems().addListener((javafx.collections.ListChangeListener<String>) c -> listProblems.run());
        listProblems.run();
        Button refresh = new Button("Refresh");
        refresh.setId("backups-refresh");
        refresh.setOnAction(e -> model.refresh());
        HBox top = new HBox(12, health, Widgets.grow(), refresh);
        top.setAlignment(Pos.CENTER_LEFT);
        Label bad = Widgets.banner(model.errorProperty(), "error");
        bad.setId("backups-error");
        Label ok = Widgets.banner(model.statusProperty(), "info");
        ok.setId("backups-status");
        VBox card = new VBox(6, top, summary, problems, ok, bad);
        card.getStyleClass().add("card");
        return card;
    }

    // ---- the catalogue

    private Node catalogueTab() {
        VBox left = new VBox(10, runs(), catalogueTable(), checksPane());
        HBox.setHgrow(left, Priority.ALWAYS);
        VBox right = new VBox(10, repositoriesCard(), walCard());
        right.setPrefWidth(340);
        right.setMinWidth(300);
        SplitPane split = new SplitPane(left, right);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.76);
        split.setPadding(new Insets(8, 0, 0, 0));
        return split;
    }

    private Node runs() {
        Button backUp = new Button("Back up now");
        backUp.setId("backup-now");
        backUp.getStyleClass().add("accent");
        backUp.setTooltip(new Tooltip("Starts a full backup now; while one runs, its progress is followed instead"));
        backUp.setOnAction(e -> model.backUpNow());
        backUp.disableProperty().bind(model.backupRun().runningProperty());
        Button verify = new Button("Verify now");
        verify.setId("verify-now");
        verify.setTooltip(new Tooltip("Restores the selected backup (else the newest complete one) into a scratch PostgreSQL and checks it"));
        verify.setOnAction(e -> model.verifyNow());
        verify.disableProperty().bind(model.verifyRun().runningProperty());
        for (Button button : List.of(backUp, verify)) {
            button.setVisible(model.mayOperate());
            button.managedProperty().bind(button.visibleProperty());
        }
        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(6);
        grid.addRow(0, backUp, progressBar("backup-progress", model.backupRun()), progressText("backup-progress-text", model.backupRun()));
        grid.addRow(1, verify, progressBar("verify-progress", model.verifyRun()), progressText("verify-progress-text", model.verifyRun()));
        if (!model.mayOperate()) {
            grid.add(Widgets.label("Starting backups and verifications needs the operator or admin role.", "muted"), 0, 2, 3, 1);
        }
        return grid;
    }

    static ProgressBar progressBar(String id, RunProgress run) {
        ProgressBar bar = new ProgressBar(0);
        bar.setId(id);
        bar.setPrefWidth(220);
        bar.progressProperty().bind(run.fractionProperty());
        bar.visibleProperty().bind(run.operationProperty().isNotNull());
        return bar;
    }

    static Label progressText(String id, RunProgress run) {
        Label text = new Label();
        text.setId(id);
        text.textProperty().bind(run.textProperty());
        text.setGraphic(Lights.light(run.lightProperty()));
        text.graphicProperty().get().visibleProperty().bind(run.operationProperty().isNotNull());
        text.setWrapText(true);
        GridPane.setHgrow(text, Priority.ALWAYS);
        return text;
    }

    private Node catalogueTable() {
        TableView<BackupsViewModel.BackupRow> table = new TableView<>(model.catalogue());
        table.setId("backups-catalogue");
        table.setPlaceholder(new Label("No backups yet: the schedule takes the first one a few minutes after the server starts."));
        table.getColumns().setAll(List.of(
                column("Backup", BackupsViewModel.BackupRow::id, 150),
                column("Kind", BackupsViewModel.BackupRow::kind, 45),
                Lights.column("State", BackupsViewModel.BackupRow::stateLight, BackupsViewModel.BackupRow::state, 95),
                column("Started (UTC)", BackupsViewModel.BackupRow::started, 120),
                column("Consistent (UTC)", BackupsViewModel.BackupRow::consistent, 132),
                column("Size", BackupsViewModel.BackupRow::size, 62),
                column("Stored", BackupsViewModel.BackupRow::stored, 62),
                column("Key", BackupsViewModel.BackupRow::keyVersion, 115),
                column("Second region", BackupsViewModel.BackupRow::secondRegion, 125),
                Lights.column("Verification", BackupsViewModel.BackupRow::verificationLight, BackupsViewModel.BackupRow::verification, 125)));
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
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
        table.setPrefHeight(320);
        VBox.setVgrow(table, Priority.ALWAYS);
        return table;
    }

    private Node checksPane() {
        Label summary = new Label();
        summary.setId("backup-verification-summary");
        summary.textProperty().bind(model.verificationSummaryProperty());
        summary.setWrapText(true);
        TableView<BackupsViewModel.CheckRow> checks = new TableView<>(model.checks());
        checks.setId("backup-checks");
        checks.setPlaceholder(new Label("No checks"));
        checks.getColumns().setAll(List.of(
                Lights.column("Check", BackupsViewModel.CheckRow::light, BackupsViewModel.CheckRow::name, 160),
                column("Found", BackupsViewModel.CheckRow::detail, 600)));
        checks.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        checks.setPrefHeight(170);
        VBox box = new VBox(6, Widgets.label("Verification by a real restore", "card-title"), summary, checks);
        box.getStyleClass().add("card");
        return box;
    }

    private Node repositoriesCard() {
        VBox rows = new VBox(8);
        rows.setId("backups-repositories");
        model.repositories().addListener((javafx.collections.ListChangeListener<BackupsViewModel.RepositoryRow>) c -> fill(rows));
        fill(rows);
        VBox card = new VBox(8, Widgets.label("Repositories", "card-title"), rows);
        card.getStyleClass().add("card");
        return card;
    }

    private void fill(VBox rows) {
        rows.getChildren().setAll(model.repositories().stream().map(BackupsView::repository).toList());
        if (rows.getChildren().isEmpty()) {
            rows.getChildren().add(Widgets.label("No repository reported yet.", "muted"));
        }
    }

    private static Node repository(BackupsViewModel.RepositoryRow r) {
        Label title = new Label(r.role() + " (" + r.kind() + ")");
        title.getStyleClass().add("field-label");
        title.setGraphic(Lights.light(new ReadOnlyObjectWrapper<>(r.light())));
        Label where = Widgets.label(r.location(), "muted");
        where.setWrapText(true);
        Label figures = new Label("Used " + r.used() + ", free " + r.free() + "; newest " + r.newest()
                + ("second region".equals(r.role()) ? "; lag " + r.lag() : ""));
        figures.setWrapText(true);
        VBox box = new VBox(2, title, where, figures);
        if (!r.problem().isEmpty()) {
            Label problem = new Label(r.problem());
            problem.getStyleClass().add("muted");
            problem.setWrapText(true);
            box.getChildren().add(problem);
        }
        box.setId("repository-" + r.role().replace(' ', '-'));
        return box;
    }

    private Node walCard() {
        Label wal = new Label();
        wal.setId("backups-wal");
        wal.textProperty().bind(model.walProperty());
        wal.setGraphic(Lights.light(model.walLightProperty()));
        wal.setWrapText(true);
        VBox card = new VBox(8, Widgets.label("WAL archiving", "card-title"), wal);
        card.getStyleClass().add("card");
        return card;
    }

    // ---- schedule and retention

    private Node scheduleTab() {
        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(8);
        field(grid, 0, "Full backup every", "backup-full-every", model.fullEveryProperty(), "1d, 12h, P1D");
        field(grid, 1, "Full backup at (UTC)", "backup-full-at", model.fullAtProperty(), "HH:mm, for a daily or longer schedule");
        field(grid, 2, "Differential every", "backup-differential-every", model.differentialEveryProperty(), "off, or 6h (pgBackRest only)");
        field(grid, 3, "Verify the whole chain every", "backup-chain-verify-every", model.chainVerifyEveryProperty(), "7d: the newest backup and WAL to now");
        field(grid, 4, "Full backups kept", "backup-retain-full", model.retainFullProperty(), "at least 1");
        field(grid, 5, "Keep a full backup at most", "backup-retain-for", model.retainForProperty(), "30d; WAL is kept as far back as they need");
        Button save = new Button("Save");
        save.setId("backup-settings-save");
        save.getStyleClass().add("accent");
        save.setOnAction(e -> model.saveSettings());
        save.disableProperty().bind(model.settingsBusyProperty());
        save.setVisible(model.mayAdminister());
        save.managedProperty().bind(save.visibleProperty());
        Label help = Widgets.label(model.mayAdminister()
                ? "Only the values you change are sent. Keeping fewer backups or keeping them for less time deletes older ones at the "
                + "next expiry, so you are asked to confirm it first."
                : "Only an admin can change the schedule and retention.", "muted");
        help.setWrapText(true);
        Label ok = Widgets.banner(model.settingsStatusProperty(), "info");
        ok.setId("backup-settings-status");
        Label bad = Widgets.banner(model.settingsErrorProperty(), "error");
        bad.setId("backup-settings-error");
        bad.setWrapText(true);
        VBox card = new VBox(10, Widgets.label("Schedule and retention", "card-title"), help, grid, save, ok, bad);
        card.getStyleClass().add("card");
        card.setMaxWidth(760);
        ScrollPane scroll = new ScrollPane(card);
        scroll.setFitToWidth(true);
        scroll.setPadding(new Insets(8, 0, 0, 0));
        return scroll;
    }

    private void field(GridPane grid, int row, String title, String id, StringProperty value, String hint) {
        TextField field = new TextField();
        field.setId(id);
        field.setPrefColumnCount(10);
        field.textProperty().bindBidirectional(value);
        field.setEditable(model.mayAdminister());
        grid.addRow(row, Widgets.label(title, "field-label"), field, Widgets.label(hint, "muted"));
    }

    // ---- the monitored instances

    private Node archivingTab() {
        Label summary = new Label();
        summary.setId("archiving-summary");
        summary.textProperty().bind(model.archivingSummaryProperty());
        TableView<BackupsViewModel.ArchivingRow> table = new TableView<>(model.archiving());
        table.setId("archiving-instances");
        table.setPlaceholder(new Label("No monitored instance has reported its archiving yet."));
        table.getColumns().setAll(List.of(
                column("Instance", BackupsViewModel.ArchivingRow::instance, 200),
                Lights.column("Archiving", BackupsViewModel.ArchivingRow::light, BackupsViewModel.ArchivingRow::state, 110),
                column("archive_mode", BackupsViewModel.ArchivingRow::archiveMode, 100),
                column("Last archived WAL", BackupsViewModel.ArchivingRow::lastArchived, 210),
                column("Archived", BackupsViewModel.ArchivingRow::archivedAgo, 100),
                column("Failures", BackupsViewModel.ArchivingRow::failed, 80),
                column("Last failure", BackupsViewModel.ArchivingRow::lastFailure, 260),
                column("Sampled", BackupsViewModel.ArchivingRow::sampled, 180)));
        VBox.setVgrow(table, Priority.ALWAYS);
        Label help = Widgets.label("Each monitored database's own WAL archiving (pg_stat_archiver), worst first: failing, stale, "
                + "disabled, unknown, then ok.", "muted");
        help.setWrapText(true);
        VBox box = new VBox(8, help, summary, table);
        box.setPadding(new Insets(8, 0, 0, 0));
        return box;
    }

    private static <T> TableColumn<T, String> column(String title, Function<T, String> value, double width) {
        TableColumn<T, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        column.setPrefWidth(width);
        return column;
    }
}

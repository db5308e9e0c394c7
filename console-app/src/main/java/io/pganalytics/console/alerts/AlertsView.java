package io.pganalytics.console.alerts;

import io.pganalytics.console.common.ui.TimeRangePicker;
import io.pganalytics.console.common.ui.Widgets;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.function.Function;

/**
 * The Alerts screen: a tab pane (Firing now, Incidents, History, then the alerting administration views the composition
 * root adds) over the selected alert's or incident's detail ({@link IncidentDetailView}); the keys A and S acknowledge
 * and silence the selection.
 */
public final class AlertsView {
    private final AlertsViewModel model;
    private final List<Tab> hosted;

    public AlertsView(AlertsViewModel model) {
        this(model, List.of());
    }

    /** @param hosted views of other packages shown as tabs beside this screen's own (rules, maintenance, on-call, effectiveness) */
    public AlertsView(AlertsViewModel model, List<Tab> hosted) {
        this.model = model;
        this.hosted = List.copyOf(hosted);
    }

    public Node build() {
        Tab firing = new Tab("Firing now", alertTable("alerts-firing", model.firing(),
                "Nothing is firing. Alerts appear here the moment a rule fires."));
        firing.setId("tab-alerts-firing");
        Tab incidents = new Tab("Incidents", incidentTable());
        incidents.setId("tab-alerts-incidents");
        HBox rangeBar = new HBox(10, Widgets.label("Active in", "field-label"), TimeRangePicker.create(model.rangeProperty()));
        rangeBar.setAlignment(Pos.CENTER_LEFT);
        TableView<AlertsViewModel.AlertRow> historyTable = alertTable("alerts-history", model.history(),
                "No alert resolved in this range.");
        VBox.setVgrow(historyTable, Priority.ALWAYS);
        Tab history = new Tab("History", new VBox(8, rangeBar, historyTable));
        history.setId("tab-alerts-history");
        TabPane tabs = new TabPane(firing, incidents, history);
        tabs.setId("alerts-tabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.getSelectionModel().selectedIndexProperty().addListener((o, was, now) -> {
            int index = now.intValue();
            if (index < AlertsViewModel.Tab.values().length) {
                model.tabProperty().set(AlertsViewModel.Tab.values()[index]);
            }
        });
        SplitPane split = new SplitPane(tabs, new IncidentDetailView(model.detail()).build());
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.36);
        Tab own = new Tab("Alerts");
        own.setId("tab-alerts");
        Node body = split;
        if (!hosted.isEmpty()) {
            own.setContent(split);
            TabPane screen = new TabPane(own);
            screen.setId("alerts-screen-tabs");
            screen.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
            screen.getTabs().addAll(hosted);
            body = screen;
        }
        VBox.setVgrow(body, Priority.ALWAYS);
        Label error = Widgets.banner(model.errorProperty(), "error");
        error.setId("alerts-error");
        Label status = Widgets.banner(model.statusProperty(), "info");
        status.setId("alerts-status");
        VBox page = new VBox(8, header(), status, error, body);
        page.setId("alerts");
        page.setPadding(new Insets(12, 20, 12, 20));
        page.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (hosted.isEmpty() || own.isSelected()) { // not on a hosted configuration tab, whose tables have rows of their own
                key(e);
            }
        });
        return page;
    }

    /** A and S on the screen's own tab, unless typing in a field. */
    private void key(KeyEvent e) {
        if (e.getTarget() instanceof TextInputControl || e.isShortcutDown() || e.isAltDown()) {
            return;
        }
        if (e.getCode() == KeyCode.A) {
            model.acknowledge();
            e.consume();
        } else if (e.getCode() == KeyCode.S) {
            model.silence();
            e.consume();
        }
    }

    private Node header() {
        Label title = Widgets.label("Alerts", "page-title");
        Label summary = new Label();
        summary.setId("alerts-summary");
        summary.getStyleClass().add("muted");
        summary.textProperty().bind(model.summaryProperty());
        Label live = new Label();
        live.setId("alerts-live");
        live.getStyleClass().add("muted");
        live.textProperty().bind(model.liveTextProperty());
        Button acknowledge = new Button("Acknowledge (A)");
        acknowledge.setId("alerts-acknowledge");
        acknowledge.setTooltip(new Tooltip("Acknowledge the selected alert's incident, or the selected incident: escalation and repeats stop"));
        acknowledge.setOnAction(e -> model.acknowledge());
        acknowledge.disableProperty().bind(model.operatorProperty().not());
        Button silence = new Button("Silence… (S)");
        silence.setId("alerts-silence");
        silence.setTooltip(new Tooltip("Silence alerts like the selected one for a while, with a reason"));
        silence.setOnAction(e -> model.silence());
        silence.disableProperty().bind(model.operatorProperty().not());
        Button refresh = new Button("Refresh");
        refresh.setId("alerts-refresh");
        refresh.setOnAction(e -> model.refresh());
        HBox header = new HBox(14, title, summary, Widgets.grow(), live, acknowledge, silence, refresh);
        header.setAlignment(Pos.CENTER_LEFT);
        return header;
    }

    static TableView<AlertsViewModel.AlertRow> alertTable(String id, ObservableList<AlertsViewModel.AlertRow> rows, String empty,
                                                          ObjectProperty<AlertsViewModel.AlertRow> selected) {
        TableView<AlertsViewModel.AlertRow> table = new TableView<>(rows);
        table.setId(id);
        table.setPlaceholder(new Label(empty));
        table.getColumns().setAll(List.of(
                severityColumn(AlertsViewModel.AlertRow::severity),
                column("Instance", AlertsViewModel.AlertRow::instance, 140),
                column("Rule", AlertsViewModel.AlertRow::rule, 170),
                column("Summary", AlertsViewModel.AlertRow::summary, 300),
                column("State", AlertsViewModel.AlertRow::state, 120),
                column("Since", AlertsViewModel.AlertRow::since, 150),
                column("Duration", AlertsViewModel.AlertRow::duration, 130),
                column("Value", AlertsViewModel.AlertRow::value, 80),
                column("Incident", AlertsViewModel.AlertRow::incident, 130),
                column("Labels", AlertsViewModel.AlertRow::labels, 200)));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        if (selected != null) {
            bind(table, selected);
        }
        return table;
    }

    private TableView<AlertsViewModel.AlertRow> alertTable(String id, ObservableList<AlertsViewModel.AlertRow> rows, String empty) {
        return alertTable(id, rows, empty, model.selectedAlertProperty());
    }

    private Node incidentTable() {
        TableView<AlertsViewModel.IncidentRow> table = new TableView<>(model.incidents());
        table.setId("alerts-incidents");
        table.setPlaceholder(new Label("No incident in the last 7 days."));
        table.getColumns().setAll(List.of(
                severityColumn(AlertsViewModel.IncidentRow::severity),
                column("#", r -> Long.toString(r.id()), 50),
                column("Instance", AlertsViewModel.IncidentRow::instance, 140),
                column("Title", AlertsViewModel.IncidentRow::title, 320),
                column("State", AlertsViewModel.IncidentRow::state, 180),
                column("Opened", AlertsViewModel.IncidentRow::opened, 150),
                column("Duration", AlertsViewModel.IncidentRow::duration, 130),
                column("Alerts", AlertsViewModel.IncidentRow::alerts, 80),
                column("Feedback", AlertsViewModel.IncidentRow::feedback, 80)));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        bind(table, model.selectedIncidentProperty());
        return table;
    }

    /** Table to model on every selection; model to table when the table lists the row (one property serves two tables). */
    private static <T> void bind(TableView<T> table, ObjectProperty<T> selected) {
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null && now != selected.get()) {
                selected.set(now);
            }
        });
        selected.addListener((o, was, now) -> {
            if (now == null) {
                table.getSelectionModel().clearSelection();
            } else if (table.getItems().contains(now) && table.getSelectionModel().getSelectedItem() != now) {
                table.getSelectionModel().select(now);
            }
        });
    }

    static <T> TableColumn<T, String> severityColumn(Function<T, String> value) {
        TableColumn<T, String> severity = column("Severity", value, 80);
        severity.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                getStyleClass().removeAll("severity-critical", "severity-warning", "severity-info");
                setText(empty ? null : item);
                if (!empty && item != null) {
                    getStyleClass().add("severity-" + item);
                }
            }
        });
        return severity;
    }

    static <T> TableColumn<T, String> column(String title, Function<T, String> value, double width) {
        TableColumn<T, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        column.setPrefWidth(width);
        return column;
    }
}

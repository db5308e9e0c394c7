package io.pganalytics.console.app;

import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.console.common.ui.Theme;
import io.pganalytics.console.common.ui.TimeRangePicker;
import io.pganalytics.console.common.ui.Widgets;
import io.pganalytics.console.dashboard.DashboardView;
import io.pganalytics.console.dashboard.DashboardViewModel;
import io.pganalytics.console.queries.QueriesView;
import io.pganalytics.console.queries.QueriesViewModel;
import io.pganalytics.console.tables.TablesView;
import io.pganalytics.console.tables.TablesViewModel;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/** One instance: a header with the time-range picker over three tabs (overview, queries, tables and indexes). */
final class InstanceScreen {
    private final DashboardViewModel dashboard;
    private final QueriesViewModel queries;
    private final TablesViewModel tables;
    private final ObservableValue<Theme> theme;
    private TabPane tabs;
    private DashboardView dashboardView;

    InstanceScreen(DashboardViewModel dashboard, QueriesViewModel queries, TablesViewModel tables, ObservableValue<Theme> theme) {
        this.dashboard = dashboard;
        this.queries = queries;
        this.tables = tables;
        this.theme = theme;
    }

    Node build(Runnable onBack) {
        InstanceSummary instance = dashboard.instance();
        Button back = new Button("← Fleet");
        back.setId("back");
        back.setOnAction(e -> onBack.run());
        Label name = Widgets.label(instance.name(), "page-title");
        name.setId("instance-name");
        Label subtitle = new Label();
        subtitle.getStyleClass().add("muted");
        subtitle.textProperty().bind(dashboard.subtitleProperty());
        VBox titles = new VBox(2, name, subtitle);
        HBox header = new HBox(12, back, Widgets.statusLight(instance.status()), titles, Widgets.grow(),
                Widgets.label("Range", "muted"), TimeRangePicker.create(dashboard.rangeProperty()));
        header.setAlignment(Pos.CENTER_LEFT);
        header.getStyleClass().add("page-header");

        dashboardView = new DashboardView(dashboard, theme);
        Tab overview = new Tab("Overview", dashboardView.build());
        overview.setId("tab-overview");
        Tab queriesTab = new Tab("Queries", new QueriesView(queries).build());
        queriesTab.setId("tab-queries");
        Tab tablesTab = new Tab("Tables & indexes", new TablesView(tables).build());
        tablesTab.setId("tab-tables");
        tabs = new TabPane(overview, queriesTab, tablesTab);
        tabs.setId("instance-tabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.getSelectionModel().selectedItemProperty().addListener((o, a, tab) -> {
            if (tab == queriesTab) {
                queries.start();
            } else if (tab == tablesTab) {
                tables.start();
            }
        });
        BorderPane root = new BorderPane(tabs);
        root.setTop(header);
        dashboard.start();
        return root;
    }

    void selectTab(int index) {
        if (tabs != null && index < tabs.getTabs().size()) {
            tabs.getSelectionModel().select(index);
        }
    }

    /** The Queries tab with statement {@code queryid} selected (a root-cause hint's link). */
    void showQuery(long queryid) {
        selectTab(1);
        queries.focus(queryid);
    }

    /** The Tables tab with {@code datname.schema.relname} selected (a root-cause hint's link). */
    void showTable(String qualified) {
        selectTab(2);
        tables.focus(qualified);
    }

    void refresh() {
        int tab = tabs == null ? 0 : tabs.getSelectionModel().getSelectedIndex();
        switch (tab) {
            case 1 -> queries.refresh();
            case 2 -> tables.refresh();
            default -> dashboard.refresh();
        }
    }

    void stop() {
        dashboard.stop();
        if (dashboardView != null) {
            dashboardView.dispose();
        }
    }
}

package io.pganalytics.console.dashboard;

import eu.hansolo.tilesfx.Tile;
import eu.hansolo.tilesfx.TileBuilder;
import eu.hansolo.tilesfx.skins.BarChartItem;
import io.pganalytics.common.query.SeriesPoint;
import io.pganalytics.console.common.BandPoint;
import io.pganalytics.console.common.ChartMarker;
import io.pganalytics.console.common.Figures;
import io.pganalytics.console.common.ui.BandChart;
import io.pganalytics.console.common.ui.Theme;
import io.pganalytics.console.common.ui.Widgets;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.ObservableDoubleValue;
import javafx.beans.value.ObservableValue;
import javafx.beans.value.WeakChangeListener;
import javafx.collections.MapChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.util.StringConverter;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Live tiles over the charts of the time range. */
public final class DashboardView {
    private static final double TILE = 196;

    private final DashboardViewModel model;
    private final ObservableValue<Theme> theme;
    private final List<Tile> tiles = new ArrayList<>();
    private final Map<String, BandChart> charts = new HashMap<>();
    /**
     * The theme outlives every dashboard: it holds this listener weakly (the built node holds it strongly), and
     * {@link #dispose()} removes it, so a closed dashboard is not kept in memory by the theme.
     */
    private final ChangeListener<Theme> themeListener = (o, a, t) -> colour(t);
    private final WeakChangeListener<Theme> weakThemeListener = new WeakChangeListener<>(themeListener);

    public DashboardView(DashboardViewModel model, ObservableValue<Theme> theme) {
        this.model = model;
        this.theme = theme;
    }

    public Node build() {
        Label state = new Label();
        state.setId("dashboard-state");
        state.textProperty().bind(model.stateTextProperty());
        model.stateProperty().addListener((o, a, s) -> styleState(state, s));
        styleState(state, model.stateProperty().get());

        CheckBox auto = new CheckBox("Auto-refresh");
        auto.setId("auto-refresh");
        auto.selectedProperty().bindBidirectional(model.autoRefreshProperty());
        Button refresh = new Button("Refresh");
        refresh.setOnAction(e -> model.refresh());
        HBox status = new HBox(10, state, Widgets.grow(), Widgets.spinner(model.chartsLoadingProperty()), auto, refresh);
        status.setAlignment(Pos.CENTER_LEFT);

        VBox content = new VBox(16, status, tiles(), charts());
        content.getStyleClass().add("page-body");
        ScrollPane scroll = new ScrollPane(content);
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("edge-to-edge");
        theme.addListener(weakThemeListener);
        scroll.getProperties().put(ChangeListener.class, themeListener);
        colour(theme.getValue());
        return scroll;
    }

    /** Stops following the application's theme: call when the dashboard closes. */
    public void dispose() {
        theme.removeListener(weakThemeListener);
    }

    private Node tiles() {
        // A tile clamps its value to [minValue, maxValue] (default 0..100): a rate has no natural maximum.
        Tile tps = tile("tile-tps", TileBuilder.create().skinType(Tile.SkinType.SPARK_LINE).title("Transactions / s").unit("tx/s")
                .decimals(1).averagingPeriod(40).smoothing(true).minValue(0).maxValue(Double.MAX_VALUE / 4));
        bind(tps, model.tpsProperty());

        Tile connections = tile("tile-connections", TileBuilder.create().skinType(Tile.SkinType.GAUGE).title("Connections")
                .unit("of max").decimals(0).maxValue(100).threshold(80).thresholdVisible(true));
        bind(connections, model.connectionsProperty());
        model.maxConnectionsProperty().addListener((o, a, max) -> maxConnections(connections, max.doubleValue()));
        maxConnections(connections, model.maxConnectionsProperty().get());

        Tile cache = tile("tile-cache", TileBuilder.create().skinType(Tile.SkinType.PERCENTAGE).title("Cache hit ratio")
                .unit("%").decimals(1).maxValue(100).maxValueVisible(false).description("shared buffers"));
        bind(cache, model.cacheHitPercentProperty());

        Tile longest = tile("tile-longest", TileBuilder.create().skinType(Tile.SkinType.NUMBER).minValue(0).maxValue(Double.MAX_VALUE / 4).title("Longest transaction")
                .unit("s").decimals(1).description("oldest open transaction"));
        bind(longest, model.longestTransactionProperty());

        Tile lag = tile("tile-lag", TileBuilder.create().skinType(Tile.SkinType.NUMBER).minValue(0).maxValue(Double.MAX_VALUE / 4).title("Replication lag")
                .unit("s").decimals(1).description("largest replay lag"));
        bind(lag, model.replicationLagProperty());

        Tile waits = tile("tile-waits", TileBuilder.create().skinType(Tile.SkinType.BAR_CHART).title("Top wait events")
                .decimals(1).text("backends waiting"));
        model.waits().addListener((javafx.collections.ListChangeListener<DashboardViewModel.Wait>) c -> waits(waits));
        waits(waits);

        Tile deadlocks = tile("tile-deadlocks", TileBuilder.create().skinType(Tile.SkinType.NUMBER).minValue(0).maxValue(Double.MAX_VALUE / 4).title("Deadlocks")
                .decimals(0).description("since the dashboard opened"));
        bind(deadlocks, model.deadlocksProperty());
        model.conflictsProperty().addListener((o, a, v) -> deadlocks.setText(Figures.count(v.longValue()) + " recovery conflicts"));
        deadlocks.setText(Figures.count((long) model.conflictsProperty().get()) + " recovery conflicts");

        Tile cpu = tile("tile-cpu", TileBuilder.create().skinType(Tile.SkinType.PERCENTAGE).title("Host CPU busy").unit("%")
                .decimals(0).maxValue(100).maxValueVisible(false));
        bind(cpu, model.cpuPercentProperty());
        Tile memory = tile("tile-memory", TileBuilder.create().skinType(Tile.SkinType.PERCENTAGE).title("Host memory used")
                .unit("%").decimals(0).maxValue(100).maxValueVisible(false));
        bind(memory, model.memoryPercentProperty());
        for (Tile host : List.of(cpu, memory)) {
            host.visibleProperty().bind(model.hostMetricsProperty());
            host.managedProperty().bind(model.hostMetricsProperty());
        }

        FlowPane pane = new FlowPane(12, 12);
        pane.setId("tiles");
        pane.getChildren().addAll(tiles);
        return pane;
    }

    private Tile tile(String id, TileBuilder<?> builder) {
        Tile tile = builder.prefSize(TILE, TILE).animated(false).roundedCorners(true).build();
        tile.setId(id);
        tiles.add(tile);
        return tile;
    }

    private static void bind(Tile tile, ObservableDoubleValue value) {
        if (!Double.isNaN(value.get())) {
            tile.setValue(value.get());
        }
        value.addListener((o, a, v) -> {
            if (!Double.isNaN(v.doubleValue())) {
                tile.setValue(v.doubleValue());
            }
        });
    }

    private static void maxConnections(Tile tile, double max) {
        if (!Double.isNaN(max) && max > 0) {
            tile.setMaxValue(max);
            tile.setThreshold(max * 0.8);
            tile.setUnit("of " + (long) max);
        }
    }

    private void waits(Tile tile) {
        tile.clearBarChartItems();
        for (DashboardViewModel.Wait wait : model.waits()) {
            tile.addBarChartItem(new BarChartItem(wait.event(), wait.backends(), Color.web("#4f8ff7")));
        }
    }

    private Node charts() {
        GridPane grid = new GridPane(12, 12);
        grid.setId("charts");
        for (int c = 0; c < 3; c++) {
            ColumnConstraints column = new ColumnConstraints();
            column.setPercentWidth(100.0 / 3);
            column.setHgrow(Priority.ALWAYS);
            grid.getColumnConstraints().add(column);
        }
        int i = 0;
        for (Chart chart : Chart.ALL) {
            NumberAxis x = new NumberAxis();
            x.setForceZeroInRange(false);
            x.setAutoRanging(true);
            x.setTickLabelFormatter(timeLabels());
            NumberAxis y = new NumberAxis();
            y.setForceZeroInRange(true);
            if (chart.unit().equals("ratio")) {
                y.setTickLabelFormatter(percentLabels());
            }
            BandChart area = new BandChart(x, y);
            area.setOnMarker(model::openAnomaly);
            area.setId("chart-" + chart.metric());
            area.setTitle(chart.title());
            area.setLegendVisible(false);
            area.setCreateSymbols(false);
            area.setAnimated(false);
            area.setPrefHeight(220);
            area.getStyleClass().add("metric-chart");
            charts.put(chart.metric(), area);
            grid.add(area, i % 3, i / 3);
            i++;
        }
        model.series().addListener((MapChangeListener<String, List<SeriesPoint>>) change -> {
            if (change.wasAdded()) {
                plot(change.getKey(), change.getValueAdded());
            }
        });
        model.series().forEach(this::plot);
        model.bands().addListener((MapChangeListener<String, List<BandPoint>>) change -> {
            if (change.wasAdded() && charts.containsKey(change.getKey())) {
                charts.get(change.getKey()).setBand(change.getValueAdded());
            }
        });
        model.bands().forEach((metric, band) -> {
            if (charts.containsKey(metric)) {
                charts.get(metric).setBand(band);
            }
        });
        model.markers().addListener((MapChangeListener<String, List<ChartMarker>>) change -> {
            if (change.wasAdded() && charts.containsKey(change.getKey())) {
                charts.get(change.getKey()).setMarkers(change.getValueAdded());
            }
        });
        model.markers().forEach((metric, shown) -> {
            if (charts.containsKey(metric)) {
                charts.get(metric).setMarkers(shown);
            }
        });
        return grid;
    }

    private void plot(String metric, List<SeriesPoint> points) {
        BandChart chart = charts.get(metric);
        if (chart == null) {
            return;
        }
        XYChart.Series<Number, Number> series = new XYChart.Series<>();
        for (SeriesPoint point : points) {
            if (point.value() != null) {
                series.getData().add(new XYChart.Data<>(point.time().getEpochSecond(), point.value()));
            }
        }
        chart.getData().setAll(List.of(series));
        Widgets.fitTimeAxis((NumberAxis) chart.getXAxis(), series.getData().stream().map(XYChart.Data::getXValue).toList());
        chart.setUserData(points.size());
    }

    private static StringConverter<Number> timeLabels() {
        DateTimeFormatter format = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneId.systemDefault());
        return new StringConverter<>() {
            @Override
            public String toString(Number seconds) {
                return format.format(Instant.ofEpochSecond(seconds.longValue()));
            }

            @Override
            public Number fromString(String text) {
                return 0;
            }
        };
    }

    private static StringConverter<Number> percentLabels() {
        return new StringConverter<>() {
            @Override
            public String toString(Number ratio) {
                return Math.round(ratio.doubleValue() * 100) + " %";
            }

            @Override
            public Number fromString(String text) {
                return 0;
            }
        };
    }

    private static void styleState(Label label, DashboardViewModel.State state) {
        label.getStyleClass().removeIf(c -> c.startsWith("state-"));
        label.getStyleClass().addAll("state-pill", "state-" + state.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }

    /** TilesFX tiles paint themselves; give them the theme's colours. */
    private void colour(Theme current) {
        boolean dark = current == Theme.DARK;
        Color background = dark ? Color.web("#1e2530") : Color.web("#ffffff");
        Color foreground = dark ? Color.web("#e6ebf2") : Color.web("#1c2430");
        Color muted = dark ? Color.web("#94a3b8") : Color.web("#5d6b7e");
        Color accent = Color.web("#3b82f6");
        for (Tile tile : tiles) {
            tile.setBackgroundColor(background);
            tile.setForegroundColor(foreground);
            tile.setValueColor(foreground);
            tile.setTitleColor(muted);
            tile.setUnitColor(muted);
            tile.setTextColor(muted);
            tile.setDescriptionColor(muted);
            tile.setBarColor(accent);
            tile.setBarBackgroundColor(dark ? Color.web("#2b3442") : Color.web("#e8edf3"));
            tile.setNeedleColor(foreground);
            tile.setThresholdColor(Color.web("#e5484d"));
        }
    }
}

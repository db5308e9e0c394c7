package io.pganalytics.console.common.ui;

import io.pganalytics.console.common.BandPoint;
import io.pganalytics.console.common.ChartMarker;
import javafx.scene.Group;
import javafx.scene.chart.AreaChart;
import javafx.scene.chart.Axis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Tooltip;
import javafx.scene.shape.Circle;
import javafx.scene.shape.ClosePath;
import javafx.scene.shape.LineTo;
import javafx.scene.shape.MoveTo;
import javafx.scene.shape.Path;
import javafx.scene.shape.Rectangle;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * An area chart of one series over time (x in epoch seconds) with its expected band shaded behind the values and
 * anomaly markers over them: a span from the anomaly's start to its end and a dot at its peak, which a click opens.
 * The axes range over the values, the band and the markers together. Colours come from the stylesheet
 * ({@code .anomaly-band}, {@code .anomaly-span}, {@code .anomaly-marker}, with {@code .anomaly-warning} or
 * {@code .anomaly-critical}); a chart with a band is {@code .banded}, where the values read as a line.
 */
public final class BandChart extends AreaChart<Number, Number> {
    /** Gaps in the band longer than this are left unshaded (the detector scored nothing there). */
    private static final long BAND_GAP_SECONDS = 180;

    private final Path band = new Path();
    private final Group markerNodes = new Group();
    private List<BandPoint> bandPoints = List.of();
    private List<ChartMarker> markers = List.of();
    private LongConsumer onMarker = id -> { };

    public BandChart(NumberAxis x, NumberAxis y) {
        super(x, y);
        band.getStyleClass().add("anomaly-band");
        band.setMouseTransparent(true);
        getPlotChildren().addFirst(band);
        getPlotChildren().add(markerNodes);
    }

    /** The band to shade, oldest first. */
    public void setBand(List<BandPoint> points) {
        bandPoints = List.copyOf(points);
        // over a band, the values read as a line: the area under it would hide the band
        getStyleClass().remove("banded");
        if (!bandPoints.isEmpty()) {
            getStyleClass().add("banded");
        }
        updateAxisRange();
        requestChartLayout();
    }

    public List<BandPoint> band() {
        return bandPoints;
    }

    public void setMarkers(List<ChartMarker> shown) {
        markers = List.copyOf(shown);
        // the nodes are made here, once per change, and only placed on layout: a dot under the pointer stays the same node
        markerNodes.getChildren().clear();
        for (ChartMarker marker : markers) {
            Rectangle span = new Rectangle();
            span.getStyleClass().addAll("anomaly-span", "anomaly-" + marker.severity());
            span.setMouseTransparent(true);
            Circle dot = new Circle(6);
            dot.setId("anomaly-marker-" + marker.id());
            dot.getStyleClass().addAll("anomaly-marker", "anomaly-" + marker.severity());
            Tooltip.install(dot, new Tooltip(marker.text()));
            dot.setOnMouseClicked(e -> onMarker.accept(marker.id()));
            markerNodes.getChildren().addAll(span, dot);
        }
        updateAxisRange();
        requestChartLayout();
    }

    public List<ChartMarker> markers() {
        return markers;
    }

    /** Called with the anomaly's id when its marker is clicked. */
    public void setOnMarker(LongConsumer action) {
        onMarker = action;
    }

    @Override
    protected void updateAxisRange() {
        super.updateAxisRange();
        if (bandPoints.isEmpty() && markers.isEmpty()) {
            return;
        }
        List<Number> xs = new ArrayList<>();
        List<Number> ys = new ArrayList<>();
        for (XYChart.Series<Number, Number> series : getData()) {
            for (XYChart.Data<Number, Number> data : series.getData()) {
                xs.add(data.getXValue());
                ys.add(data.getYValue());
            }
        }
        for (BandPoint point : bandPoints) {
            xs.add(point.epochSecond());
            ys.add(point.lower());
            ys.add(point.upper());
        }
        for (ChartMarker marker : markers) {
            xs.add(marker.from());
            xs.add(marker.to());
        }
        Axis<Number> x = getXAxis();
        Axis<Number> y = getYAxis();
        if (x.isAutoRanging() && xs.size() >= 2) {
            x.invalidateRange(xs);
        }
        if (y.isAutoRanging() && !ys.isEmpty()) {
            y.invalidateRange(ys);
        }
    }

    @Override
    protected void layoutPlotChildren() {
        super.layoutPlotChildren();
        drawBand();
        drawMarkers();
    }

    private void drawBand() {
        band.getElements().clear();
        Axis<Number> x = getXAxis();
        Axis<Number> y = getYAxis();
        int start = 0;
        for (int i = 1; i <= bandPoints.size(); i++) {
            boolean gap = i == bandPoints.size() || bandPoints.get(i).epochSecond() - bandPoints.get(i - 1).epochSecond() > BAND_GAP_SECONDS;
            if (!gap) {
                continue;
            }
            List<BandPoint> run = bandPoints.subList(start, i);
            if (run.size() >= 2) {
                band.getElements().add(new MoveTo(x.getDisplayPosition(run.getFirst().epochSecond()), y.getDisplayPosition(run.getFirst().upper())));
                for (BandPoint p : run.subList(1, run.size())) {
                    band.getElements().add(new LineTo(x.getDisplayPosition(p.epochSecond()), y.getDisplayPosition(p.upper())));
                }
                for (BandPoint p : run.reversed()) {
                    band.getElements().add(new LineTo(x.getDisplayPosition(p.epochSecond()), y.getDisplayPosition(p.lower())));
                }
                band.getElements().add(new ClosePath());
            }
            start = i;
        }
        band.toBack();
    }

    private void drawMarkers() {
        Axis<Number> x = getXAxis();
        double height = y().getHeight();
        for (int i = 0; i < markers.size() && 2 * i + 1 < markerNodes.getChildren().size(); i++) {
            ChartMarker marker = markers.get(i);
            double left = x.getDisplayPosition(marker.from());
            double right = Math.max(left + 3, x.getDisplayPosition(marker.to()));
            Rectangle span = (Rectangle) markerNodes.getChildren().get(2 * i);
            span.setX(left);
            span.setY(0);
            span.setWidth(right - left);
            span.setHeight(height);
            Circle dot = (Circle) markerNodes.getChildren().get(2 * i + 1);
            dot.setCenterX(x.getDisplayPosition(marker.peak()));
            dot.setCenterY(7);
        }
        markerNodes.toFront();
    }

    private NumberAxis y() {
        return (NumberAxis) getYAxis();
    }
}

package io.pganalytics.console.common.ui;

import io.pganalytics.common.query.InstanceStatus;
import javafx.beans.value.ObservableValue;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.shape.Circle;

/** Small building blocks every view uses, so that they look the same everywhere. */
public final class Widgets {
    private Widgets() {
    }

    /** A status light: green up, amber stale, red down, grey unknown (colours from the stylesheet). */
    public static Circle statusLight(InstanceStatus status) {
        Circle light = new Circle(6);
        light.getStyleClass().addAll("status-light", status == null ? "status-unknown" : "status-" + status.wireName());
        return light;
    }

    public static Region grow() {
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        return spacer;
    }

    public static Label label(String text, String... styleClasses) {
        Label label = new Label(text);
        label.getStyleClass().addAll(styleClasses);
        return label;
    }

    /** A small spinner shown while {@code busy}. */
    public static ProgressIndicator spinner(ObservableValue<Boolean> busy) {
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.getStyleClass().add("small-spinner");
        spinner.setMaxSize(18, 18);
        spinner.visibleProperty().bind(busy);
        spinner.managedProperty().bind(busy);
        return spinner;
    }

    /**
     * The one main action of a card (sign in, verify, confirm): the default button (Enter presses it), full width,
     * accented, and off while {@code busy}.
     */
    public static Button primaryAction(String text, String id, ObservableValue<Boolean> busy, Runnable action) {
        Button button = new Button(text);
        button.setId(id);
        button.setDefaultButton(true);
        button.setMaxWidth(Double.MAX_VALUE);
        button.getStyleClass().add("accent");
        button.disableProperty().bind(busy);
        button.setOnAction(e -> action.run());
        return button;
    }

    /** A banner line (info, warning or error) shown while its text is not empty. */
    public static Label banner(ObservableValue<String> text, String kind) {
        Label banner = new Label();
        banner.getStyleClass().addAll("banner", "banner-" + kind);
        banner.textProperty().bind(text);
        banner.setMaxWidth(Double.MAX_VALUE);
        banner.setWrapText(true);
        banner.visibleProperty().bind(banner.textProperty().isNotEmpty());
        banner.managedProperty().bind(banner.visibleProperty());
        return banner;
    }

    /** The product's mark and name, as the welcome screens show it. */
    public static Node brand() {
        Label logo = label("pg", "brand-mark");
        Label name = label("pgAnalytics", "brand-name");
        Label tagline = label("PostgreSQL operations console", "muted");
        javafx.scene.layout.VBox words = new javafx.scene.layout.VBox(0, name, tagline);
        HBox brand = new HBox(12, logo, words);
        brand.setAlignment(javafx.geometry.Pos.CENTER);
        return brand;
    }

    public static <T extends Node> T styled(T node, String... styleClasses) {
        node.getStyleClass().addAll(styleClasses);
        return node;
    }

    /**
     * Lets a time axis (epoch seconds) range over its data, except with fewer than two distinct times, where automatic
     * ranging would spread one point over decades: the axis then shows ten minutes around it.
     */
    public static void fitTimeAxis(javafx.scene.chart.NumberAxis axis, java.util.Collection<? extends Number> times) {
        java.util.Set<Long> distinct = new java.util.TreeSet<>();
        times.forEach(t -> distinct.add(t.longValue()));
        if (distinct.size() >= 2) {
            axis.setAutoRanging(true);
            return;
        }
        long centre = distinct.isEmpty() ? java.time.Instant.now().getEpochSecond() : distinct.iterator().next();
        axis.setAutoRanging(false);
        axis.setLowerBound(centre - 300);
        axis.setUpperBound(centre + 300);
        axis.setTickUnit(120);
    }
}

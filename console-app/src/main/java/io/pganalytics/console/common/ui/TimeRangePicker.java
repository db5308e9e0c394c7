package io.pganalytics.console.common.ui;

import io.pganalytics.console.common.TimeRange;
import javafx.beans.property.ObjectProperty;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DatePicker;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** The time-range picker: 15 min, 1 h, 6 h, 24 h, 7 d, or a custom range from a small dialog. */
public final class TimeRangePicker {
    private TimeRangePicker() {
    }

    public static Node create(ObjectProperty<TimeRange> range) {
        ToggleGroup group = new ToggleGroup();
        HBox box = new HBox(0);
        box.getStyleClass().add("segmented");
        for (TimeRange preset : TimeRange.PRESETS) {
            ToggleButton button = new ToggleButton(preset.label());
            button.setId("range-" + preset.label().replace(" ", ""));
            button.setToggleGroup(group);
            button.setUserData(preset);
            button.setSelected(preset.equals(range.get()));
            button.setOnAction(e -> {
                button.setSelected(true);
                range.set(preset);
            });
            box.getChildren().add(button);
        }
        ToggleButton custom = new ToggleButton("Custom…");
        custom.setId("range-custom");
        custom.setToggleGroup(group);
        custom.setOnAction(e -> {
            TimeRange chosen = askCustom(range.get(), box);
            if (chosen != null) {
                range.set(chosen);
            }
            select(group, range.get(), custom);
        });
        box.getChildren().add(custom);
        range.addListener((o, a, now) -> select(group, now, custom));
        return box;
    }

    private static void select(ToggleGroup group, TimeRange range, ToggleButton custom) {
        if (range.isCustom()) {
            custom.setSelected(true);
            custom.setText(range.label().equals("custom") ? "Custom…" : range.label());
            return;
        }
        custom.setText("Custom…");
        group.getToggles().stream().filter(t -> range.equals(t.getUserData())).findFirst().ifPresent(t -> t.setSelected(true));
    }

    private static TimeRange askCustom(TimeRange current, Node owner) {
        ZoneId zone = ZoneId.systemDefault();
        DatePicker fromDate = new DatePicker(LocalDate.now().minusDays(1));
        TextField fromTime = new TextField("00:00");
        DatePicker toDate = new DatePicker(LocalDate.now());
        TextField toTime = new TextField(LocalTime.now().withSecond(0).withNano(0).toString());
        fromTime.setPrefColumnCount(5);
        toTime.setPrefColumnCount(5);
        Label problem = new Label();
        problem.getStyleClass().add("error-text");
        GridPane grid = new GridPane(8, 8);
        grid.setPadding(new Insets(12));
        grid.addRow(0, new Label("From"), fromDate, fromTime);
        grid.addRow(1, new Label("To"), toDate, toTime);
        grid.add(problem, 0, 2, 3, 1);

        Dialog<TimeRange> dialog = new Dialog<>();
        dialog.setTitle("Custom time range");
        dialog.setHeaderText("Show the data between two moments (local time, " + zone + ")");
        if (owner.getScene() != null) {
            dialog.initOwner(owner.getScene().getWindow());
            dialog.getDialogPane().getStylesheets().addAll(owner.getScene().getStylesheets());
            dialog.getDialogPane().getStyleClass().addAll(owner.getScene().getRoot().getStyleClass());
        }
        ButtonType apply = new ButtonType("Apply", ButtonBar.ButtonData.OK_DONE);
        dialog.getDialogPane().getButtonTypes().addAll(ButtonType.CANCEL, apply);
        dialog.getDialogPane().setContent(grid);
        dialog.setResultConverter(button -> {
            if (button != apply) {
                return null;
            }
            try {
                var from = fromDate.getValue().atTime(LocalTime.parse(fromTime.getText().strip())).atZone(zone).toInstant();
                var to = toDate.getValue().atTime(LocalTime.parse(toTime.getText().strip())).atZone(zone).toInstant();
                TimeRange range = TimeRange.custom(from, to);
                return new TimeRange(String.format(Locale.ROOT, "%s %s – %s %s", fromDate.getValue(), fromTime.getText().strip(),
                        toDate.getValue(), toTime.getText().strip()), null, range.from(), range.to());
            } catch (DateTimeParseException | IllegalArgumentException | NullPointerException e) {
                return null;
            }
        });
        return dialog.showAndWait().orElse(null);
    }
}

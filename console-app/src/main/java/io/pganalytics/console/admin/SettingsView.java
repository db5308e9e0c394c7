package io.pganalytics.console.admin;

import io.pganalytics.console.common.ui.Widgets;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.function.Function;

/**
 * The settings tab: retention for every family (three fields, each with where its value comes from) above the table of
 * every family's effective retention; the selected family's own levels in a card on the right.
 */
public final class SettingsView {
    private final SettingsViewModel settings;

    public SettingsView(SettingsViewModel settings) {
        this.settings = settings;
    }

    public Node build() {
        VBox main = new VBox(12, defaultsCard(), Widgets.label("Retention per metric family", "card-title"), familiesTable());
        HBox.setHgrow(main, Priority.ALWAYS);
        VBox side = familyCard();
        side.setPrefWidth(320);
        side.setMinWidth(280);
        side.getStyleClass().add("card");
        HBox page = new HBox(12, main, side);
        page.setPadding(new Insets(4));
        ScrollPane scroll = new ScrollPane(page);
        scroll.setId("admin-settings");
        scroll.setFitToWidth(true);
        return scroll;
    }

    private Node defaultsCard() {
        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(6);
        level(grid, 0, "Raw samples", "settings-raw", settings.rawProperty(), settings.rawSourceProperty());
        level(grid, 1, "1-minute rollups", "settings-minute", settings.minuteProperty(), settings.minuteSourceProperty());
        level(grid, 2, "1-hour rollups", "settings-hour", settings.hourProperty(), settings.hourSourceProperty());
        Button save = button("Save", "settings-save", settings::saveDefaults);
        save.getStyleClass().add("accent");
        save.disableProperty().bind(settings.busyProperty());
        Button revert = button("Use the configuration file's", "settings-revert", settings::revertDefaults);
        revert.disableProperty().bind(settings.busyProperty());
        Label help = Widgets.label("Durations such as 14d, 36h or P30D. Every node applies a change at its next retention run; "
                + "shortening one deletes older data then, so you are asked to confirm it first.", "muted");
        help.setWrapText(true);
        VBox card = new VBox(8, Widgets.label("Retention for every family", "card-title"), help, grid, new HBox(8, save, revert),
                messages());
        card.getStyleClass().add("card");
        return card;
    }

    private static void level(GridPane grid, int row, String title, String id, StringProperty value, ObservableValue<String> source) {
        TextField field = new TextField();
        field.setId(id);
        field.setPrefColumnCount(8);
        field.textProperty().bindBidirectional(value);
        Label from = new Label();
        from.setId(id + "-source");
        from.getStyleClass().add("muted");
        from.textProperty().bind(source);
        grid.addRow(row, Widgets.label(title, "field-label"), field, from);
    }

    private Node familiesTable() {
        TableView<SettingsViewModel.FamilyRow> table = new TableView<>(settings.families());
        table.setId("settings-families");
        table.setPlaceholder(new Label("No families"));
        table.getColumns().setAll(List.of(
                column("Family", SettingsViewModel.FamilyRow::family, 180),
                column("Raw", SettingsViewModel.FamilyRow::raw, 90),
                column("1-minute", SettingsViewModel.FamilyRow::minute, 90),
                column("1-hour", SettingsViewModel.FamilyRow::hour, 90),
                column("From", SettingsViewModel.FamilyRow::source, 320)));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null) {
                settings.selectedProperty().set(now);
            }
        });
        settings.selectedProperty().addListener((o, was, now) -> {
            if (now != null && table.getSelectionModel().getSelectedItem() != now) {
                table.getSelectionModel().select(now);
            }
        });
        table.setPrefHeight(440);
        VBox.setVgrow(table, Priority.ALWAYS);
        return table;
    }

    private VBox familyCard() {
        Label name = new Label();
        name.setId("settings-family-name");
        name.getStyleClass().add("card-title");
        name.textProperty().bind(settings.selectedProperty().map(SettingsViewModel.FamilyRow::family).orElse("Select a family"));
        TextField raw = field("settings-family-raw", settings.familyRawProperty());
        TextField minute = field("settings-family-minute", settings.familyMinuteProperty());
        TextField hour = field("settings-family-hour", settings.familyHourProperty());
        minute.disableProperty().bind(settings.familyHasRollupsProperty().not());
        hour.disableProperty().bind(settings.familyHasRollupsProperty().not());
        Button save = button("Save", "settings-family-save", settings::saveFamily);
        Button revert = button("Revert", "settings-family-revert", settings::revertFamily);
        Label help = Widgets.label("This family's own retention, over the one for every family. Revert returns the values "
                + "changed here to the configuration file's.", "muted");
        help.setWrapText(true);
        VBox card = new VBox(8, name, help,
                Widgets.label("Raw samples", "field-label"), raw, Widgets.label("1-minute rollups", "field-label"), minute,
                Widgets.label("1-hour rollups", "field-label"), hour, new HBox(8, save, revert));
        card.disableProperty().bind(settings.selectedProperty().isNull().or(settings.busyProperty()));
        return card;
    }

    private Node messages() {
        Label ok = Widgets.banner(settings.statusProperty(), "info");
        ok.setId("settings-status");
        ok.setWrapText(true);
        Label bad = Widgets.banner(settings.errorProperty(), "error");
        bad.setId("settings-error");
        bad.setWrapText(true);
        return new VBox(6, ok, bad);
    }

    private static <T> TableColumn<T, String> column(String title, Function<T, String> value, double width) {
        TableColumn<T, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        column.setPrefWidth(width);
        return column;
    }

    private static TextField field(String id, StringProperty value) {
        TextField field = new TextField();
        field.setId(id);
        field.textProperty().bindBidirectional(value);
        return field;
    }

    private static Button button(String text, String id, Runnable action) {
        Button button = new Button(text);
        button.setId(id);
        button.setOnAction(e -> action.run());
        return button;
    }
}

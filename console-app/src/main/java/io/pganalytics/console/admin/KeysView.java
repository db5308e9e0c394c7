package io.pganalytics.console.admin;

import io.pganalytics.common.keys.DataKeyView;
import io.pganalytics.common.keys.KekVersionView;
import io.pganalytics.common.keys.ProtectedItemView;
import io.pganalytics.console.common.Figures;
import io.pganalytics.console.common.ui.Widgets;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.RadioButton;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.function.Function;

/**
 * The keys tab: the provider, the key-encryption key versions and data keys side by side, what each kind of sealed
 * value protects, and the re-wrap's progress; the actions in a card on the right.
 */
public final class KeysView {
    private final KeysViewModel keys;

    public KeysView(KeysViewModel keys) {
        this.keys = keys;
    }

    public Node build() {
        VBox main = new VBox(12, providerCard(), new HBox(12, kekVersionsTable(), dataKeysTable()),
                Widgets.label("What is sealed", "card-title"), protectedTable(), rewrapCard());
        HBox.setHgrow(main, Priority.ALWAYS);
        VBox side = actions();
        side.setPrefWidth(320);
        side.setMinWidth(280);
        side.getStyleClass().add("card");
        HBox page = new HBox(12, main, side);
        page.setPadding(new Insets(4));
        ScrollPane scroll = new ScrollPane(page);
        scroll.setId("admin-keys");
        scroll.setFitToWidth(true);
        return scroll;
    }

    private Node providerCard() {
        Label kind = value("keys-provider-kind", keys.providerKindProperty());
        Label location = value("keys-provider-location", keys.providerLocationProperty());
        Label management = value("keys-provider-management", keys.providerManagementProperty());
        Label current = value("keys-current", keys.currentProperty());
        VBox card = new VBox(4, Widgets.label("Key-encryption key provider", "card-title"),
                new HBox(8, Widgets.label("Kind", "field-label"), kind), new HBox(8, Widgets.label("Location", "field-label"), location),
                management, new HBox(8, Widgets.label("Current", "field-label"), current));
        card.getStyleClass().add("card");
        return card;
    }

    private Node kekVersionsTable() {
        TableView<KekVersionView> table = new TableView<>(keys.kekVersions());
        table.setId("keys-kek-versions");
        table.setPlaceholder(new Label("No versions"));
        table.getColumns().setAll(List.of(
                column("Version", v -> String.valueOf(v.version()), 80),
                column("Current", v -> v.current() ? "current" : "", 80),
                column("Data keys", v -> String.valueOf(v.dataKeys()), 90)));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> keys.selectedKekVersionProperty().set(now));
        table.setPrefHeight(180);
        table.setPrefWidth(280);
        return titled("Key-encryption key versions", table);
    }

    private Node dataKeysTable() {
        TableView<DataKeyView> table = new TableView<>(keys.dataKeys());
        table.setId("keys-data-keys");
        table.setPlaceholder(new Label("No data keys"));
        table.getColumns().setAll(List.of(
                column("Id", k -> String.valueOf(k.id()), 50),
                column("State", KeysViewModel::state, 110),
                column("KEK version", k -> String.valueOf(k.kekVersion()), 95),
                column("Created", KeysViewModel::created, 270),
                column("Values", k -> Figures.count(k.records()), 90)));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> keys.selectedDataKeyProperty().set(now));
        table.setPrefHeight(180);
        Node titled = titled("Data keys", table);
        HBox.setHgrow(titled, Priority.ALWAYS);
        return titled;
    }

    private Node protectedTable() {
        TableView<ProtectedItemView> table = new TableView<>(keys.protectedItems());
        table.setId("keys-protected");
        table.setPlaceholder(new Label("Nothing sealed yet"));
        table.getColumns().setAll(List.of(
                column("Protects", ProtectedItemView::protects, 400),
                column("Where", ProtectedItemView::where, 250),
                column("Values", p -> Figures.count(p.records()), 100),
                column("Under older keys", p -> Figures.count(p.onOlderKeys()), 140)));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPrefHeight(200);
        return table;
    }

    private Node rewrapCard() {
        ProgressBar bar = new ProgressBar();
        bar.setId("keys-rewrap-progress");
        bar.progressProperty().bind(keys.rewrapProgressProperty());
        bar.setMaxWidth(Double.MAX_VALUE);
        Label summary = value("keys-rewrap-summary", keys.rewrapSummaryProperty());
        Label failure = Widgets.banner(keys.rewrapErrorProperty(), "error");
        failure.setId("keys-rewrap-error");
        VBox card = new VBox(6, new HBox(8, Widgets.label("Re-wrap", "card-title"), Widgets.spinner(keys.rewrapRunningProperty())),
                bar, summary, failure);
        card.getStyleClass().add("card");
        return card;
    }

    private VBox actions() {
        ToggleGroup scope = new ToggleGroup();
        RadioButton both = new RadioButton("New key-encryption key version and data key");
        both.setId("keys-rotate-kek");
        both.setToggleGroup(scope);
        both.setWrapText(true);
        both.disableProperty().bind(keys.canManageProperty().not());
        RadioButton dataKeyOnly = new RadioButton("Data key only");
        dataKeyOnly.setId("keys-rotate-data-key-only");
        dataKeyOnly.setToggleGroup(scope);
        both.setSelected(keys.newKekVersionProperty().get());
        dataKeyOnly.setSelected(!keys.newKekVersionProperty().get());
        keys.newKekVersionProperty().addListener((o, was, now) -> (now ? both : dataKeyOnly).setSelected(true));
        both.selectedProperty().addListener((o, was, now) -> keys.newKekVersionProperty().set(now));

        Button rotate = button("Rotate…", "keys-rotate", keys::rotate);
        rotate.getStyleClass().add("accent");
        Button rewrap = button("Start re-wrap…", "keys-rewrap", keys::startRewrap);
        Button retireKey = button("Retire data key…", "keys-retire-data-key", keys::retireDataKey);
        retireKey.disableProperty().bind(keys.busyProperty().or(keys.selectedDataKeyProperty().isNull()));
        Button retireVersion = button("Retire KEK version…", "keys-retire-kek-version", keys::retireKekVersion);
        retireVersion.disableProperty().bind(keys.busyProperty().or(keys.selectedKekVersionProperty().isNull()));
        rotate.disableProperty().bind(keys.busyProperty());
        rewrap.disableProperty().bind(keys.busyProperty());
        Label retireHint = Widgets.label("Select a data key or a key-encryption key version in its table to retire it. "
                + "The server refuses while anything still uses it.", "muted");
        retireHint.setWrapText(true);

        Label ok = Widgets.banner(keys.statusProperty(), "info");
        ok.setId("keys-status");
        Label bad = Widgets.banner(keys.errorProperty(), "error");
        bad.setId("keys-error");
        return new VBox(8, Widgets.label("Rotate", "card-title"), both, dataKeyOnly, rotate, rewrap,
                Widgets.label("Retire", "card-title"), retireHint, retireKey, retireVersion, ok, bad);
    }

    private static Node titled(String title, Node table) {
        VBox box = new VBox(6, Widgets.label(title, "card-title"), table);
        VBox.setVgrow(table, Priority.ALWAYS);
        return box;
    }

    private static Label value(String id, javafx.beans.value.ObservableValue<String> text) {
        Label label = new Label();
        label.setId(id);
        label.setWrapText(true);
        label.textProperty().bind(text);
        return label;
    }

    private static <T> TableColumn<T, String> column(String title, Function<T, String> value, double width) {
        TableColumn<T, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        column.setPrefWidth(width);
        return column;
    }

    private static Button button(String text, String id, Runnable action) {
        Button button = new Button(text);
        button.setId(id);
        button.setMaxWidth(Double.MAX_VALUE);
        button.setOnAction(e -> action.run());
        return button;
    }
}

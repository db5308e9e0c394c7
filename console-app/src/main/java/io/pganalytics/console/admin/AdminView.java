package io.pganalytics.console.admin;

import io.pganalytics.common.auth.Role;
import io.pganalytics.common.auth.UserView;
import io.pganalytics.common.auth.IdentityProviderRequest;
import io.pganalytics.common.auth.IdentityProviderView;
import io.pganalytics.common.auth.ProviderTestResult;
import io.pganalytics.common.auth.RoleMappingView;
import io.pganalytics.console.common.ui.Widgets;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.SetChangeListener;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The administration screen: a users tab and an identity providers tab, each a table beside its editor, the
 * collectors tab ({@link CollectorsView}: collectors and registration tokens), the keys tab ({@link KeysView}) and the
 * settings tab ({@link SettingsView}: retention changed at runtime), and the notifications tab (alerting's receivers and routes,
 * built by {@code console.alerting.ReceiversView} and passed in, so administration does not depend on alerting).
 */
public final class AdminView {
    private final UsersViewModel users;
    private final ProvidersViewModel providers;
    private final KeysViewModel keys;
    private final SettingsViewModel settings;
    private final CollectorsViewModel collectors;
    private final Node notifications;

    public AdminView(UsersViewModel users, ProvidersViewModel providers, KeysViewModel keys, SettingsViewModel settings,
                     CollectorsViewModel collectors, Node notifications) {
        this.users = users;
        this.providers = providers;
        this.keys = keys;
        this.settings = settings;
        this.collectors = collectors;
        this.notifications = notifications;
    }

    public Node build() {
        Tab usersTab = new Tab("Users", usersPane());
        Tab providersTab = new Tab("Identity providers", providersPane());
        Tab keysTab = new Tab("Keys", new KeysView(keys).build());
        keysTab.setId("admin-keys-tab");
        Tab settingsTab = new Tab("Settings", new SettingsView(settings).build());
        settingsTab.setId("admin-settings-tab");
        Tab collectorsTab = new Tab("Collectors", new CollectorsView(collectors).build());
        collectorsTab.setId("admin-collectors-tab");
        Tab notificationsTab = new Tab("Notifications", notifications);
        notificationsTab.setId("admin-notifications-tab");
        TabPane tabs = new TabPane(usersTab, providersTab, collectorsTab, notificationsTab, keysTab, settingsTab);
        tabs.setId("admin-tabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        return tabs;
    }

    // ---- users

    private Node usersPane() {
        TableView<UserView> table = new TableView<>(users.users());
        table.setId("admin-users");
        table.getColumns().setAll(List.of(
                column("Username", UserView::username, 160),
                column("Name", u -> u.displayName() == null ? "" : u.displayName(), 180),
                column("Roles", u -> u.roles().stream().map(Role::wireName).sorted().collect(Collectors.joining(", ")), 160),
                column("Source", UserView::source, 90),
                column("State", u -> u.enabled() ? "enabled" : "disabled", 90),
                column("Last sign-in", u -> u.lastLoginAt() == null ? "never" : u.lastLoginAt().toString(), 200)));
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> users.selectedProperty().set(now));
        HBox.setHgrow(table, Priority.ALWAYS);

        Label selectedName = new Label();
        selectedName.getStyleClass().add("card-title");
        selectedName.textProperty().bind(users.selectedProperty().map(UserView::username).orElse("Select a user"));
        VBox roles = new VBox(4);
        for (Role role : Role.values()) {
            CheckBox box = new CheckBox(role.wireName());
            box.setId("user-role-" + role.wireName());
            box.setSelected(users.selectedRoles().contains(role));
            users.selectedRoles().addListener((SetChangeListener<Role>) change -> box.setSelected(users.selectedRoles().contains(role)));
            box.selectedProperty().addListener((o, was, on) -> {
                if (on) {
                    users.selectedRoles().add(role);
                } else {
                    users.selectedRoles().remove(role);
                }
            });
            roles.getChildren().add(box);
        }
        Button saveRoles = button("Save roles", "user-save-roles", users::saveRoles);
        Button toggle = button("Disable", "user-toggle", users::toggleEnabled);
        toggle.textProperty().bind(users.selectedProperty().map(u -> u.enabled() ? "Disable" : "Enable").orElse("Disable"));
        Button resetMfa = button("Reset MFA", "user-reset-mfa", users::resetMfa);
        Button delete = button("Delete…", "user-delete", users::delete);
        VBox selected = new VBox(8, selectedName, Widgets.label("Roles", "field-label"), roles, saveRoles, new HBox(8, toggle, resetMfa), delete);
        selected.disableProperty().bind(users.selectedProperty().isNull());

        TextField username = field("new-user-username", "Username", users.newUsernameProperty());
        TextField displayName = field("new-user-display-name", "Display name", users.newDisplayNameProperty());
        PasswordField password = new PasswordField();
        password.setId("new-user-password");
        password.setPromptText("Initial password");
        password.textProperty().bindBidirectional(users.newPasswordProperty());
        ChoiceBox<Role> role = new ChoiceBox<>();
        role.setId("new-user-role");
        role.getItems().setAll(Role.values());
        role.valueProperty().bindBidirectional(users.newRoleProperty());
        Button create = button("Create user", "new-user-create", users::create);
        VBox createForm = new VBox(8, Widgets.label("New local user", "card-title"), username, displayName, password, role, create);

        VBox side = new VBox(16, selected, createForm, messages(users.statusProperty(), users.errorProperty(), "users"));
        side.setPrefWidth(320);
        side.getStyleClass().add("card");
        return new HBox(12, table, side);
    }

    // ---- identity providers

    private Node providersPane() {
        TableView<IdentityProviderView> table = new TableView<>(providers.providers());
        table.setId("admin-providers");
        table.getColumns().setAll(List.of(
                column("Name", IdentityProviderView::name, 140),
                column("Kind", IdentityProviderView::kind, 70),
                column("Display name", p -> p.displayName() == null ? "" : p.displayName(), 170),
                column("State", p -> p.enabled() ? "enabled" : "disabled", 80),
                column("Defined in", p -> IdentityProviderView.CONFIGURATION.equals(p.origin()) ? "configuration file" : "console / API", 140)));
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null) {
                providers.selectedProperty().set(now);
            }
        });
        HBox.setHgrow(table, Priority.ALWAYS);

        TextField name = field("provider-name", "Name (e.g. keycloak)", providers.nameProperty());
        name.disableProperty().bind(providers.creatingProperty().not());
        ChoiceBox<String> kind = new ChoiceBox<>();
        kind.setId("provider-kind");
        kind.getItems().setAll(ProvidersViewModel.KINDS);
        kind.valueProperty().bindBidirectional(providers.kindProperty());
        kind.disableProperty().bind(providers.creatingProperty().not());
        TextField displayName = field("provider-display-name", "Shown on the sign-in button", providers.displayNameProperty());
        CheckBox enabled = new CheckBox("Enabled");
        enabled.setId("provider-enabled");
        enabled.selectedProperty().bindBidirectional(providers.enabledProperty());
        TextArea settings = area("provider-settings", providers.settingsProperty(), 8);
        TextArea secrets = area("provider-secrets", providers.secretsProperty(), 3);
        secrets.setPromptText("{ \"clientSecret\" : \"…\" }: write-only, never shown again");
        Label secretsSet = new Label();
        secretsSet.getStyleClass().add("muted");
        secretsSet.setWrapText(true);
        secretsSet.textProperty().bind(providers.secretsSetProperty());
        TextArea mapping = area("provider-role-mapping", providers.roleMappingProperty(), 5);

        Button newOne = button("New", "provider-new", providers::newProvider);
        Button save = button("Save", "provider-save", providers::save);
        save.getStyleClass().add("accent");
        Button toggle = button("Disable", "provider-toggle", providers::toggleEnabled);
        toggle.textProperty().bind(providers.selectedProperty().map(p -> p.enabled() ? "Disable" : "Enable").orElse("Disable"));
        Button delete = button("Delete", "provider-delete", providers::delete);
        Button test = button("Test connection", "provider-test", providers::testConnection);
        test.disableProperty().bind(providers.creatingProperty());
        for (Button b : new Button[]{toggle, delete}) {
            b.disableProperty().bind(providers.creatingProperty().or(providers.readOnlyProperty()));
        }
        save.disableProperty().bind(providers.readOnlyProperty());
        Label readOnly = Widgets.label("Defined in the server's configuration file: change it there.", "muted");
        readOnly.setWrapText(true);
        readOnly.visibleProperty().bind(providers.readOnlyProperty());
        readOnly.managedProperty().bind(readOnly.visibleProperty());
        Label testResult = new Label();
        testResult.setId("provider-test-result");
        testResult.setWrapText(true);
        testResult.textProperty().bind(providers.testResultProperty());

        VBox editor = new VBox(6, Widgets.label("Identity provider", "card-title"), readOnly,
                Widgets.label("Name", "field-label"), name, Widgets.label("Kind", "field-label"), kind,
                Widgets.label("Display name", "field-label"), displayName, enabled,
                Widgets.label("Settings (JSON)", "field-label"), settings,
                Widgets.label("Secrets (JSON, write-only)", "field-label"), secrets, secretsSet,
                Widgets.label("Role mapping (JSON)", "field-label"), mapping,
                new HBox(8, newOne, save, toggle, delete), test, testResult,
                messages(providers.statusProperty(), providers.errorProperty(), "providers"));
        editor.setPrefWidth(420);
        editor.getStyleClass().add("card");
        return new HBox(12, table, editor);
    }

    // ---- pieces

    private static <T> TableColumn<T, String> column(String title, Function<T, String> value, double width) {
        TableColumn<T, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        column.setPrefWidth(width);
        return column;
    }

    private static Button button(String text, String id, Runnable action) {
        Button button = new Button(text);
        button.setId(id);
        button.setOnAction(e -> action.run());
        return button;
    }

    private static TextField field(String id, String prompt, javafx.beans.property.StringProperty value) {
        TextField field = new TextField();
        field.setId(id);
        field.setPromptText(prompt);
        field.textProperty().bindBidirectional(value);
        return field;
    }

    private static TextArea area(String id, javafx.beans.property.StringProperty value, int rows) {
        TextArea area = new TextArea();
        area.setId(id);
        area.setPrefRowCount(rows);
        area.getStyleClass().add("monospace");
        area.textProperty().bindBidirectional(value);
        return area;
    }

    private static Node messages(javafx.beans.value.ObservableValue<String> status, javafx.beans.value.ObservableValue<String> error, String id) {
        Label ok = Widgets.banner(status, "info");
        ok.setId(id + "-status");
        Label bad = Widgets.banner(error, "error");
        bad.setId(id + "-error");
        return new VBox(6, ok, bad);
    }
}

package io.pganalytics.console.login;

import io.pganalytics.common.auth.ProviderSummary;
import io.pganalytics.console.common.ui.Widgets;
import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.Separator;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/** The sign-in card. */
public final class LoginView {
    private final LoginViewModel model;

    public LoginView(LoginViewModel model) {
        this.model = model;
    }

    public Node build() {
        Label title = Widgets.label("Sign in", "card-title");
        Label server = new Label();
        server.getStyleClass().add("muted");
        server.textProperty().bind(model.serverProperty());
        Hyperlink change = new Hyperlink("Change server");
        change.setId("change-server");
        change.setOnAction(e -> model.changeServer());
        HBox serverRow = new HBox(6, Widgets.label("Server", "muted"), server, Widgets.grow(), change);
        serverRow.setAlignment(Pos.BASELINE_LEFT);

        Label notice = Widgets.banner(model.noticeProperty(), "warning");
        notice.setId("login-notice");

        TextField username = new TextField();
        username.setId("username");
        username.setPromptText("Username");
        username.textProperty().bindBidirectional(model.usernameProperty());
        PasswordField password = new PasswordField();
        password.setId("password");
        password.setPromptText("Password");
        password.textProperty().bindBidirectional(model.passwordProperty());
        username.setOnAction(e -> password.requestFocus());
        password.setOnAction(e -> model.signIn());

        Button signIn = Widgets.primaryAction("Sign in", "sign-in", model.busyProperty(), model::signIn);

        Label status = new Label();
        status.textProperty().bind(model.statusProperty());
        status.getStyleClass().add("muted");
        HBox progress = new HBox(8, Widgets.spinner(model.busyProperty()), status);
        progress.setAlignment(Pos.CENTER_LEFT);

        Label error = Widgets.banner(model.errorProperty(), "error");
        error.setId("login-error");

        VBox card = new VBox(12, title, serverRow, notice, providerChoice(), Widgets.label("Username", "field-label"), username,
                Widgets.label("Password", "field-label"), password, signIn, progress, error, singleSignOn());
        card.getStyleClass().add("card");
        card.setMaxWidth(440);

        VBox page = new VBox(24, Widgets.brand(), card);
        page.setAlignment(Pos.CENTER);
        StackPane root = new StackPane(page);
        root.getStyleClass().add("welcome");
        Platform.runLater(() -> (model.usernameProperty().get().isEmpty() ? username : password).requestFocus());
        return root;
    }

    /** Which password provider checks the password: shown when the server has more than the local accounts. */
    private Node providerChoice() {
        ChoiceBox<ProviderSummary> choice = new ChoiceBox<>(model.passwordProviders());
        choice.setId("provider");
        choice.setMaxWidth(Double.MAX_VALUE);
        choice.valueProperty().bindBidirectional(model.providerProperty());
        choice.setConverter(new StringConverter<>() {
            @Override
            public String toString(ProviderSummary provider) {
                return provider == null ? "" : LoginViewModel.label(provider);
            }

            @Override
            public ProviderSummary fromString(String text) {
                return null;
            }
        });
        VBox box = new VBox(6, Widgets.label("Sign in with", "field-label"), choice);
        box.visibleProperty().bind(model.providerChoiceProperty());
        box.managedProperty().bind(box.visibleProperty());
        return box;
    }

    /** A button per single sign-on provider; while the browser is out, where it went and a way to stop waiting. */
    private Node singleSignOn() {
        VBox buttons = new VBox(8);
        Runnable fill = () -> buttons.getChildren().setAll(model.browserProviders().stream().map(this::providerButton).toList());
        model.browserProviders().addListener((ListChangeListener<ProviderSummary>) change -> fill.run());
        fill.run();

        TextField address = new TextField();
        address.setId("sso-address");
        address.setEditable(false);
        address.textProperty().bind(model.browserAddressProperty());
        address.visibleProperty().bind(model.browserAddressProperty().isNotEmpty());
        address.managedProperty().bind(address.visibleProperty());
        Label hint = Widgets.label("If no browser opened, open this address in one:", "muted");
        hint.visibleProperty().bind(address.visibleProperty());
        hint.managedProperty().bind(address.visibleProperty());
        Button cancel = new Button("Cancel");
        cancel.setId("sso-cancel");
        cancel.visibleProperty().bind(model.waitingForBrowserProperty());
        cancel.managedProperty().bind(cancel.visibleProperty());
        cancel.setOnAction(e -> model.cancelSingleSignOn());

        Label or = Widgets.label("or", "muted");
        HBox divider = new HBox(8, new Separator(), or, new Separator());
        divider.setAlignment(Pos.CENTER);
        divider.getChildren().stream().filter(n -> n instanceof Separator).forEach(n -> HBox.setHgrow(n, javafx.scene.layout.Priority.ALWAYS));
        VBox box = new VBox(8, divider, buttons, hint, address, cancel);
        box.setId("sso-providers");
        box.visibleProperty().bind(javafx.beans.binding.Bindings.isNotEmpty(model.browserProviders()));
        box.managedProperty().bind(box.visibleProperty());
        return box;
    }

    private Button providerButton(ProviderSummary provider) {
        Button button = new Button("Sign in with " + LoginViewModel.label(provider));
        button.setId("sso-" + provider.name());
        button.setMaxWidth(Double.MAX_VALUE);
        button.disableProperty().bind(model.busyProperty());
        button.setOnAction(e -> model.signInWith(provider));
        return button;
    }
}

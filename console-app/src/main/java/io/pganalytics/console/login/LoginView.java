package io.pganalytics.console.login;

import io.pganalytics.console.common.ui.Widgets;
import javafx.application.Platform;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.Separator;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

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

        Button signIn = new Button("Sign in");
        signIn.setId("sign-in");
        signIn.setDefaultButton(true);
        signIn.setMaxWidth(Double.MAX_VALUE);
        signIn.getStyleClass().add("accent");
        signIn.disableProperty().bind(model.busyProperty());
        signIn.setOnAction(e -> model.signIn());

        Label status = new Label();
        status.textProperty().bind(model.statusProperty());
        status.getStyleClass().add("muted");
        HBox progress = new HBox(8, Widgets.spinner(model.busyProperty()), status);
        progress.setAlignment(Pos.CENTER_LEFT);

        Label error = Widgets.banner(model.errorProperty(), "error");
        error.setId("login-error");

        VBox card = new VBox(12, title, serverRow, notice, Widgets.label("Username", "field-label"), username,
                Widgets.label("Password", "field-label"), password, signIn, progress, error, new Separator(), singleSignOn());
        card.getStyleClass().add("card");
        card.setMaxWidth(440);

        VBox page = new VBox(24, Widgets.brand(), card);
        page.setAlignment(Pos.CENTER);
        StackPane root = new StackPane(page);
        root.getStyleClass().add("welcome");
        Platform.runLater(() -> (model.usernameProperty().get().isEmpty() ? username : password).requestFocus());
        return root;
    }

    /** The extension point for SSO and MFA: disabled, with a sentence that says why, until the server offers them. */
    private Node singleSignOn() {
        Button sso = new Button("Sign in with SSO");
        sso.setId("sso");
        sso.setMaxWidth(Double.MAX_VALUE);
        sso.disableProperty().bind(model.singleSignOnAvailableProperty().not());
        Label hint = new Label();
        hint.textProperty().bind(model.singleSignOnHintProperty());
        hint.getStyleClass().add("muted");
        hint.setWrapText(true);
        return new VBox(6, sso, hint);
    }
}

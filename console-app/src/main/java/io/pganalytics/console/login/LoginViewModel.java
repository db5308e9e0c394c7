package io.pganalytics.console.login;

import io.pganalytics.common.auth.UserView;
import io.pganalytics.console.api.ApiException;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/** The sign-in screen: resumes a saved session if there is one, else asks for a username and password. */
public final class LoginViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(LoginViewModel.class);

    private final LoginService service;
    private final Consumer<UserView> onSignedIn;
    private final Runnable onChangeServer;

    private final StringProperty server = new SimpleStringProperty("");
    private final StringProperty username = new SimpleStringProperty("");
    private final StringProperty password = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private final StringProperty notice = new SimpleStringProperty("");
    private final BooleanProperty singleSignOnAvailable = new SimpleBooleanProperty(false);
    private final StringProperty singleSignOnHint = new SimpleStringProperty(
            "Single sign-on and multi-factor sign-in appear here when this server offers them.");

    /**
     * @param reason why the screen is shown, e.g. "Your session expired: please sign in again." (empty at first sign-in)
     */
    public LoginViewModel(LoginService service, String reason, Consumer<UserView> onSignedIn, Runnable onChangeServer) {
        this.service = service;
        this.onSignedIn = onSignedIn;
        this.onChangeServer = onChangeServer;
        server.set(service.server());
        notice.set(reason == null ? "" : reason);
    }

    /** Resumes the saved session, if any; otherwise fills in the last username. */
    public void start(boolean tryResume) {
        service.rememberedUsername(name -> name.ifPresent(n -> {
            if (username.get().isEmpty()) {
                username.set(n);
            }
        }));
        if (!tryResume) {
            return;
        }
        busy.set(true);
        status.set("Resuming your session…");
        service.resume(user -> {
            busy.set(false);
            status.set("");
            user.ifPresent(onSignedIn);
        }, failure -> {
            busy.set(false);
            status.set("");
            LOG.info("resuming the session on {}: {}", server.get(), failure.getMessage());
        });
    }

    public void signIn() {
        if (busy.get()) {
            return;
        }
        if (username.get().isBlank() || password.get().isEmpty()) {
            error.set("Enter your username and password.");
            return;
        }
        error.set("");
        busy.set(true);
        status.set("Signing in…");
        service.login(username.get().strip(), password.get(), user -> {
            busy.set(false);
            status.set("");
            password.set("");
            notice.set("");
            onSignedIn.accept(user);
        }, failure -> {
            busy.set(false);
            status.set("");
            password.set("");
            if (failure instanceof ApiException e) {
                LOG.info("sign-in to {} as {}: {}", server.get(), username.get(), e.getMessage());
                error.set(e.getMessage());
            } else {
                LOG.error("sign-in to {}", server.get(), failure);
                error.set("Signing in failed: " + failure.getMessage());
            }
        });
    }

    public void changeServer() {
        onChangeServer.run();
    }

    public ReadOnlyStringProperty serverProperty() {
        return server;
    }

    public StringProperty usernameProperty() {
        return username;
    }

    public StringProperty passwordProperty() {
        return password;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    public ReadOnlyStringProperty statusProperty() {
        return status;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }

    public ReadOnlyStringProperty noticeProperty() {
        return notice;
    }

    public ReadOnlyBooleanProperty singleSignOnAvailableProperty() {
        return singleSignOnAvailable;
    }

    public ReadOnlyStringProperty singleSignOnHintProperty() {
        return singleSignOnHint;
    }
}

package io.pganalytics.console.login;

import io.pganalytics.console.api.ApiException;
import io.pganalytics.common.auth.ProviderSummary;
import io.pganalytics.console.api.SignIn;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Consumer;

/**
 * The sign-in screen: resumes a saved session if there is one; else offers the server's identity providers: a
 * username and password for the password providers (local, LDAP), a button per single sign-on provider. A sign-in
 * ends signed in or with an MFA challenge, both handed to {@code onSignIn}.
 */
public final class LoginViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(LoginViewModel.class);

    private final LoginService service;
    private final Consumer<SignIn> onSignIn;
    private final Runnable onChangeServer;

    private final StringProperty server = new SimpleStringProperty("");
    private final StringProperty username = new SimpleStringProperty("");
    private final StringProperty password = new SimpleStringProperty("");
    private final ObservableList<ProviderSummary> passwordProviders = FXCollections.observableArrayList(ProviderSummary.local());
    private final ObservableList<ProviderSummary> browserProviders = FXCollections.observableArrayList();
    private final ObjectProperty<ProviderSummary> provider = new SimpleObjectProperty<>(ProviderSummary.local());
    private final BooleanProperty providerChoice = new SimpleBooleanProperty(false);
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final BooleanProperty waitingForBrowser = new SimpleBooleanProperty();
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private final StringProperty notice = new SimpleStringProperty("");
    private final StringProperty browserAddress = new SimpleStringProperty("");
    private Runnable cancelSingleSignOn = () -> { };

    /**
     * @param reason why the screen is shown, e.g. "Your session expired: please sign in again." (empty at first sign-in)
     */
    public LoginViewModel(LoginService service, String reason, Consumer<SignIn> onSignIn, Runnable onChangeServer) {
        this.service = service;
        this.onSignIn = onSignIn;
        this.onChangeServer = onChangeServer;
        server.set(service.server());
        notice.set(reason == null ? "" : reason);
    }

    /** Lists the server's providers; resumes the saved session, if any; fills in the last username. */
    public void start(boolean tryResume) {
        service.rememberedUsername(name -> name.ifPresent(n -> {
            if (username.get().isEmpty()) {
                username.set(n);
            }
        }));
        service.providers(this::offer, failure -> {
            LOG.info("listing the sign-in providers of {}: {}", server.get(), failure.getMessage());
            error.set("The sign-in choices of this server could not be read: " + failure.getMessage()
                    + " You can still sign in with a local account.");
        });
        if (!tryResume) {
            return;
        }
        busy.set(true);
        status.set("Resuming your session…");
        service.resume(user -> {
            busy.set(false);
            status.set("");
            user.ifPresent(u -> onSignIn.accept(SignIn.signedIn(u)));
        }, failure -> {
            busy.set(false);
            status.set("");
            LOG.info("resuming the session on {}: {}", server.get(), failure.getMessage());
        });
    }

    private void offer(List<ProviderSummary> providers) {
        List<ProviderSummary> forms = providers.stream().filter(p -> !browser(p)).toList();
        passwordProviders.setAll(forms.isEmpty() ? List.of(ProviderSummary.local()) : forms);
        browserProviders.setAll(providers.stream().filter(LoginViewModel::browser).toList());
        provider.set(passwordProviders.getFirst());
        providerChoice.set(passwordProviders.size() > 1);
    }

    public void signIn() {
        if (busy.get()) {
            return;
        }
        if (username.get().isBlank() || password.get().isEmpty()) {
            error.set("Enter your username and password.");
            return;
        }
        ProviderSummary with = provider.get() == null ? ProviderSummary.local() : provider.get();
        error.set("");
        busy.set(true);
        status.set("Signing in…");
        service.signIn(username.get().strip(), password.get(), with.name(), result -> {
            password.set("");
            finished(result);
        }, failure -> {
            password.set("");
            failed("sign-in as " + username.get() + " with " + with.name(), failure);
        });
    }

    /** Opens the system browser at {@code browserProvider}'s sign-in and waits for it to come back. */
    public void signInWith(ProviderSummary browserProvider) {
        if (busy.get()) {
            return;
        }
        error.set("");
        busy.set(true);
        waitingForBrowser.set(true);
        status.set("Opening your browser for " + label(browserProvider) + "…");
        cancelSingleSignOn = service.singleSignOn(browserProvider.name(), start -> {
            if (waitingForBrowser.get()) {
                status.set("Continue in your browser. The console waits up to 5 minutes.");
                browserAddress.set(start.toString());
            }
        }, this::finished, failure -> failed("single sign-on with " + browserProvider.name(), failure));
    }

    /** Stops waiting for the browser. */
    public void cancelSingleSignOn() {
        cancelSingleSignOn.run();
    }

    private void finished(SignIn result) {
        busy.set(false);
        waitingForBrowser.set(false);
        browserAddress.set("");
        status.set("");
        notice.set("");
        onSignIn.accept(result);
    }

    private void failed(String what, Throwable failure) {
        busy.set(false);
        waitingForBrowser.set(false);
        browserAddress.set("");
        status.set("");
        if (failure instanceof ApiException || failure instanceof LoopbackReceiver.NoCallback) {
            LOG.info("{} on {}: {}", what, server.get(), failure.getMessage());
            error.set(failure.getMessage());
        } else {
            LOG.error("{} on {}", what, server.get(), failure);
            error.set("Signing in failed: " + failure.getMessage());
        }
    }

    /** A single sign-on provider (a button), not a password provider (the form). */
    static boolean browser(ProviderSummary provider) {
        return ProviderSummary.BROWSER.equals(provider.signIn());
    }

    /** What a person reads for a provider: its display name, else its name. */
    public static String label(ProviderSummary provider) {
        return provider.displayName() == null || provider.displayName().isBlank() ? provider.name() : provider.displayName();
    }

    public void changeServer() {
        cancelSingleSignOn.run();
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

    /** The password providers (local first), for the form's provider choice. */
    public ObservableList<ProviderSummary> passwordProviders() {
        return passwordProviders;
    }

    /** The single sign-on providers: one button each. */
    public ObservableList<ProviderSummary> browserProviders() {
        return browserProviders;
    }

    public ObjectProperty<ProviderSummary> providerProperty() {
        return provider;
    }

    /** Whether there is more than one password provider to choose from. */
    public ReadOnlyBooleanProperty providerChoiceProperty() {
        return providerChoice;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    public ReadOnlyBooleanProperty waitingForBrowserProperty() {
        return waitingForBrowser;
    }

    /** The start address the browser was sent to, for a person whose browser did not open. */
    public ReadOnlyStringProperty browserAddressProperty() {
        return browserAddress;
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
}

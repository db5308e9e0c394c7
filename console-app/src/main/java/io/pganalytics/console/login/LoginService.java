package io.pganalytics.console.login;

import io.pganalytics.common.auth.UserView;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.common.auth.ProviderSummary;
import io.pganalytics.console.api.SignIn;
import io.pganalytics.console.common.Background;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Sign-in calls, off the FX thread. */
public final class LoginService {
    private final ConsoleApi api;
    private final Background background;
    private final Browser browser;
    private final Duration singleSignOnWait;

    public LoginService(ConsoleApi api, Background background, Browser browser) {
        this(api, background, browser, SingleSignOn.WAIT);
    }

    LoginService(ConsoleApi api, Background background, Browser browser, Duration singleSignOnWait) {
        this.api = api;
        this.background = background;
        this.browser = browser;
        this.singleSignOnWait = singleSignOnWait;
    }

    public String server() {
        return api.address().toString();
    }

    public void providers(Consumer<List<ProviderSummary>> onResult, Consumer<Throwable> onFailure) {
        background.run(api::providers, onResult, onFailure);
    }

    public void signIn(String username, String password, String provider, Consumer<SignIn> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.signIn(username, password, provider), onResult, onFailure);
    }

    /**
     * Signs in through the system browser with {@code provider}; {@code onBrowserOpened} hears the start address (on
     * the UI thread). Returns what cancels the wait.
     */
    public Runnable singleSignOn(String provider, Consumer<URI> onBrowserOpened, Consumer<SignIn> onResult, Consumer<Throwable> onFailure) {
        SingleSignOn flow = new SingleSignOn(api, browser, provider, singleSignOnWait);
        background.run(() -> flow.run(start -> background.ui().execute(() -> onBrowserOpened.accept(start))), onResult, onFailure);
        return flow::cancel;
    }

    public void resume(Consumer<Optional<UserView>> onResult, Consumer<Throwable> onFailure) {
        background.run(api::resume, onResult, onFailure);
    }

    public void rememberedUsername(Consumer<Optional<String>> onResult) {
        background.run(api::rememberedUsername, onResult, e -> onResult.accept(Optional.empty()));
    }
}

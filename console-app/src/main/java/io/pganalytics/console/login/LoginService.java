package io.pganalytics.console.login;

import io.pganalytics.common.auth.UserView;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.common.Background;

import java.util.Optional;
import java.util.function.Consumer;

/** Sign-in calls, off the FX thread. */
public final class LoginService {
    private final ConsoleApi api;
    private final Background background;

    public LoginService(ConsoleApi api, Background background) {
        this.api = api;
        this.background = background;
    }

    public String server() {
        return api.address().toString();
    }

    public void login(String username, String password, Consumer<UserView> onSignedIn, Consumer<Throwable> onFailure) {
        background.run(() -> api.login(username, password), onSignedIn, onFailure);
    }

    public void resume(Consumer<Optional<UserView>> onResult, Consumer<Throwable> onFailure) {
        background.run(api::resume, onResult, onFailure);
    }

    public void rememberedUsername(Consumer<Optional<String>> onResult) {
        background.run(api::rememberedUsername, onResult, e -> onResult.accept(Optional.empty()));
    }
}

package io.pganalytics.console.admin;

import io.pganalytics.common.auth.CreateUserRequest;
import io.pganalytics.common.auth.UpdateUserRequest;
import io.pganalytics.common.auth.UserPage;
import io.pganalytics.common.auth.UserView;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.common.auth.IdentityProviderRequest;
import io.pganalytics.common.auth.IdentityProviderView;
import io.pganalytics.common.auth.ProviderTestResult;
import io.pganalytics.common.auth.RoleMappingView;
import io.pganalytics.common.keys.KeyStatus;
import io.pganalytics.common.keys.RewrapView;
import io.pganalytics.common.keys.RotateRequest;
import io.pganalytics.common.keys.RotateResult;
import io.pganalytics.common.audit.ConfirmationRequired;
import io.pganalytics.common.collectors.CollectorPage;
import io.pganalytics.common.collectors.CreateRegistrationTokenRequest;
import io.pganalytics.common.collectors.RegistrationTokenCreated;
import io.pganalytics.common.collectors.RegistrationTokenPage;
import io.pganalytics.common.settings.RetentionSettings;
import io.pganalytics.common.settings.RetentionUpdate;
import io.pganalytics.console.common.Background;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Administration calls, off the FX thread. A change the server refuses with {@code step_up_required} asks the
 * {@link StepUpPrompt} for a fresh second factor, proves it, and is sent once more; a second refusal is reported.
 */
public final class AdminService {
    private static final Logger LOG = LoggerFactory.getLogger(AdminService.class);
    static final int PAGE = 500;

    private final ConsoleApi api;
    private final Background background;
    private final StepUpPrompt stepUp;

    public AdminService(ConsoleApi api, Background background, StepUpPrompt stepUp) {
        this.api = api;
        this.background = background;
        this.stepUp = stepUp;
    }

    public void users(Consumer<UserPage> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.admin().users(0, PAGE), onResult, onFailure);
    }

    public void createUser(CreateUserRequest request, Consumer<UserView> onResult, Consumer<Throwable> onFailure) {
        change(() -> api.admin().createUser(request), onResult, onFailure);
    }

    public void updateUser(long id, UpdateUserRequest request, Consumer<UserView> onResult, Consumer<Throwable> onFailure) {
        change(() -> api.admin().updateUser(id, request), onResult, onFailure);
    }

    public void resetMfa(long id, Consumer<Boolean> onResult, Consumer<Throwable> onFailure) {
        change(() -> {
            api.admin().resetMfa(id);
            return true;
        }, onResult, onFailure);
    }

    public void identityProviders(Consumer<List<IdentityProviderView>> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.admin().identityProviders(), onResult, onFailure);
    }

    public void saveIdentityProvider(IdentityProviderRequest request, boolean create, Consumer<IdentityProviderView> onResult,
                                     Consumer<Throwable> onFailure) {
        change(() -> create ? api.admin().createIdentityProvider(request) : api.admin().updateIdentityProvider(request.name(), request), onResult, onFailure);
    }

    public void deleteIdentityProvider(String name, Consumer<Boolean> onResult, Consumer<Throwable> onFailure) {
        change(() -> {
            api.admin().deleteIdentityProvider(name);
            return true;
        }, onResult, onFailure);
    }

    public void testIdentityProvider(String name, Consumer<ProviderTestResult> onResult, Consumer<Throwable> onFailure) {
        change(() -> api.admin().testIdentityProvider(name), onResult, onFailure);
    }

    public void keys(Consumer<KeyStatus> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.admin().keys(), onResult, onFailure);
    }

    public void rotateKeys(RotateRequest request, Consumer<RotateResult> onResult, Consumer<Throwable> onFailure) {
        change(() -> api.admin().rotateKeys(request), onResult, onFailure);
    }

    public void startRewrap(Consumer<RewrapView> onResult, Consumer<Throwable> onFailure) {
        change(() -> api.admin().startRewrap(), onResult, onFailure);
    }

    public void retireDataKey(int id, Consumer<Boolean> onResult, Consumer<Throwable> onFailure) {
        change(() -> {
            api.admin().retireDataKey(id);
            return true;
        }, onResult, onFailure);
    }

    public void retireKekVersion(int version, Consumer<Boolean> onResult, Consumer<Throwable> onFailure) {
        change(() -> {
            api.admin().retireKekVersion(version);
            return true;
        }, onResult, onFailure);
    }

    public void retention(Consumer<RetentionSettings> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.admin().retention(), onResult, onFailure);
    }

    /** Changes retention; a change that deletes data is first confirmed through {@code confirmation} ({@link #confirmed}). */
    public void updateRetention(RetentionUpdate update, Confirmation confirmation, Consumer<RetentionSettings> onResult,
                                Consumer<Throwable> onFailure) {
        confirmed("Change retention", "Delete at the next run", confirmation,
                token -> api.admin().updateRetention(update, token), onResult, onFailure);
    }

    public void collectors(Consumer<CollectorPage> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.admin().collectors(0, PAGE), onResult, onFailure);
    }

    public void revokeCollector(String id, Confirmation confirmation, Consumer<Boolean> onResult, Consumer<Throwable> onFailure) {
        confirmed("Revoke the collector", "Revoke", confirmation, token -> {
            api.admin().revokeCollector(id, token);
            return true;
        }, onResult, onFailure);
    }

    public void registrationTokens(Consumer<RegistrationTokenPage> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.admin().registrationTokens(0, PAGE), onResult, onFailure);
    }

    public void createRegistrationToken(CreateRegistrationTokenRequest request, Consumer<RegistrationTokenCreated> onResult,
                                        Consumer<Throwable> onFailure) {
        change(() -> api.admin().createRegistrationToken(request), onResult, onFailure);
    }

    public void revokeRegistrationToken(long id, Confirmation confirmation, Consumer<Boolean> onResult, Consumer<Throwable> onFailure) {
        confirmed("Revoke the registration token", "Revoke", confirmation, token -> {
            api.admin().revokeRegistrationToken(id, token);
            return true;
        }, onResult, onFailure);
    }

    /**
     * Runs {@code work} without a confirmation token; when the server answers 428 {@code confirmation_required}, shows
     * its summary through {@code confirmation} and, once the person confirms, runs {@code work} again with the token
     * (a step-up the server then asks for is handled by {@link #change}). The one place the console answers a
     * confirmation request; cancelling sends nothing more and reports that nothing changed.
     */
    <T> void confirmed(String title, String action, Confirmation confirmation, Function<String, T> work, Consumer<T> onResult,
                       Consumer<Throwable> onFailure) {
        change(() -> work.apply(null), onResult, failure -> {
            ConfirmationRequired asked = failure instanceof ApiException refused
                    ? refused.error().map(io.pganalytics.common.api.ApiError::confirmation).orElse(null) : null;
            if (asked == null) {
                onFailure.accept(failure);
                return;
            }
            confirmation.ask(title, asked.summary(), action, () -> change(() -> work.apply(asked.token()), onResult, onFailure),
                    () -> onFailure.accept(new ApiException(ApiException.Kind.REJECTED, "Not confirmed: nothing was changed.", null, null)));
        });
    }

    /** Runs {@code action} on the UI thread every {@code period} until the handle is cancelled. */
    ScheduledFuture<?> every(Duration period, Runnable action) {
        return background.every(period, action);
    }

    /** Runs {@code work}; on a step-up refusal asks for a second factor, proves it and runs {@code work} once more. */
    <T> void change(Callable<T> work, Consumer<T> onResult, Consumer<Throwable> onFailure) {
        background.run(work, onResult, failure -> {
            if (!(failure instanceof ApiException refused) || !refused.stepUpRequired()) {
                onFailure.accept(failure);
                return;
            }
            LOG.info("an admin change needs a fresh second factor: asking");
            stepUp.ask(factor -> background.run(() -> {
                api.stepUp(factor.method(), factor.code());
                return work.call();
            }, onResult, onFailure), () -> onFailure.accept(new ApiException(ApiException.Kind.REJECTED,
                    "This change needs a fresh second factor: nothing was changed.", null, null)));
        });
    }
}

package io.pganalytics.console.admin;

import io.pganalytics.common.auth.CreateUserRequest;
import io.pganalytics.common.auth.UpdateUserRequest;
import io.pganalytics.common.auth.UserPage;
import io.pganalytics.common.auth.UserView;
import io.pganalytics.common.audit.ConfirmationRequired;
import io.pganalytics.console.api.AdminApi;
import io.pganalytics.console.api.AlertingAdminApi;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.api.BackupsApi;
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
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Administration calls, off the FX thread. A change the server wants confirmed (428 {@code confirmation_required})
 * shows its summary through the {@link ServerConfirmation}; on OK the same request is sent again with the token
 * (after a fresh second factor through the {@link StepUpPrompt} when the server says one is needed), on Cancel nothing
 * is sent and the caller hears {@link Cancelled}. A change refused with {@code step_up_required} asks for a second
 * factor, proves it, and is sent once more; a second such refusal is reported.
 */
public final class AdminService {
    private static final Logger LOG = LoggerFactory.getLogger(AdminService.class);
    static final int PAGE = 500;

    /** The person cancelled a confirmation or a second-factor prompt: nothing was sent, nothing changed. */
    public static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Cancelled(String message) {
            super(message, null, false, false);
        }
    }

    private final ConsoleApi api;
    private final Background background;
    private final StepUpPrompt stepUp;
    private final ServerConfirmation confirmation;

    /** Without a way to confirm: every change the server wants confirmed ends {@link Cancelled}. */
    public AdminService(ConsoleApi api, Background background, StepUpPrompt stepUp) {
        this(api, background, stepUp, ServerConfirmation.DECLINE);
    }

    public AdminService(ConsoleApi api, Background background, StepUpPrompt stepUp, ServerConfirmation confirmation) {
        this.api = api;
        this.background = background;
        this.stepUp = stepUp;
        this.confirmation = confirmation;
    }

    public void users(Consumer<UserPage> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.admin().users(0, PAGE), onResult, onFailure);
    }

    public void createUser(CreateUserRequest request, Consumer<UserView> onResult, Consumer<Throwable> onFailure) {
        change(admin -> admin.createUser(request), onResult, onFailure);
    }

    public void updateUser(long id, UpdateUserRequest request, Consumer<UserView> onResult, Consumer<Throwable> onFailure) {
        change(admin -> admin.updateUser(id, request), onResult, onFailure);
    }

    public void deleteUser(long id, Consumer<Boolean> onResult, Consumer<Throwable> onFailure) {
        change(admin -> {
            admin.deleteUser(id);
            return true;
        }, onResult, onFailure);
    }

    public void resetMfa(long id, Consumer<Boolean> onResult, Consumer<Throwable> onFailure) {
        change(admin -> {
            admin.resetMfa(id);
            return true;
        }, onResult, onFailure);
    }

    public void identityProviders(Consumer<List<IdentityProviderView>> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.admin().identityProviders(), onResult, onFailure);
    }

    public void saveIdentityProvider(IdentityProviderRequest request, boolean create, Consumer<IdentityProviderView> onResult,
                                     Consumer<Throwable> onFailure) {
        change(admin -> create ? admin.createIdentityProvider(request) : admin.updateIdentityProvider(request.name(), request), onResult, onFailure);
    }

    public void deleteIdentityProvider(String name, Consumer<Boolean> onResult, Consumer<Throwable> onFailure) {
        change(admin -> {
            admin.deleteIdentityProvider(name);
            return true;
        }, onResult, onFailure);
    }

    public void testIdentityProvider(String name, Consumer<ProviderTestResult> onResult, Consumer<Throwable> onFailure) {
        change(admin -> admin.testIdentityProvider(name), onResult, onFailure);
    }

    public void keys(Consumer<KeyStatus> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.admin().keys(), onResult, onFailure);
    }

    public void rotateKeys(RotateRequest request, Consumer<RotateResult> onResult, Consumer<Throwable> onFailure) {
        change(admin -> admin.rotateKeys(request), onResult, onFailure);
    }

    public void startRewrap(Consumer<RewrapView> onResult, Consumer<Throwable> onFailure) {
        change(AdminApi::startRewrap, onResult, onFailure);
    }

    public void retireDataKey(int id, Consumer<Boolean> onResult, Consumer<Throwable> onFailure) {
        change(admin -> {
            admin.retireDataKey(id);
            return true;
        }, onResult, onFailure);
    }

    public void retireKekVersion(int version, Consumer<Boolean> onResult, Consumer<Throwable> onFailure) {
        change(admin -> {
            admin.retireKekVersion(version);
            return true;
        }, onResult, onFailure);
    }

    public void retention(Consumer<RetentionSettings> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.admin().retention(), onResult, onFailure);
    }

    /** Changes retention; a change that deletes data is confirmed first with the server's summary of what goes. */
    public void updateRetention(RetentionUpdate update, Consumer<RetentionSettings> onResult, Consumer<Throwable> onFailure) {
        change(admin -> admin.updateRetention(update), onResult, onFailure);
    }

    public void collectors(Consumer<CollectorPage> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.admin().collectors(0, PAGE), onResult, onFailure);
    }

    public void revokeCollector(String id, Consumer<Boolean> onResult, Consumer<Throwable> onFailure) {
        change(admin -> {
            admin.revokeCollector(id);
            return true;
        }, onResult, onFailure);
    }

    public void registrationTokens(Consumer<RegistrationTokenPage> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.admin().registrationTokens(0, PAGE), onResult, onFailure);
    }

    public void createRegistrationToken(CreateRegistrationTokenRequest request, Consumer<RegistrationTokenCreated> onResult,
                                        Consumer<Throwable> onFailure) {
        change(admin -> admin.createRegistrationToken(request), onResult, onFailure);
    }

    public void revokeRegistrationToken(long id, Consumer<Boolean> onResult, Consumer<Throwable> onFailure) {
        change(admin -> {
            admin.revokeRegistrationToken(id);
            return true;
        }, onResult, onFailure);
    }

    /**
     * A backup change (the schedule and retention, a restore) through the same path as every admin change: the server's
     * confirmation asked for and shown, the second factor when needed, {@link Cancelled} when the person declines.
     */
    public <T> void backupChange(Function<BackupsApi, T> work, Consumer<T> onResult, Consumer<Throwable> onFailure) {
        change(admin -> work.apply(admin.backups()), onResult, onFailure);
    }

    /**
     * An alerting configuration change (a rule, a maintenance window, a schedule, a receiver, a route...) through the
     * same path: the server's confirmation of a delete asked for and shown, the second factor when needed,
     * {@link Cancelled} when the person declines.
     */
    public <T> void alertingChange(Function<AlertingAdminApi, T> work, Consumer<T> onResult, Consumer<Throwable> onFailure) {
        change(admin -> work.apply(admin.alerting()), onResult, onFailure);
    }

    /** Runs {@code action} on the UI thread every {@code period} until the handle is cancelled. */
    ScheduledFuture<?> every(Duration period, Runnable action) {
        return background.every(period, action);
    }

    /**
     * Runs {@code work} against the admin calls; on a confirmation the server asks for, asks the person and runs it
     * again with the token; on a step-up refusal, asks for a second factor, proves it and runs it once more.
     */
    <T> void change(Function<AdminApi, T> work, Consumer<T> onResult, Consumer<Throwable> onFailure) {
        attempt(work, null, false, onResult, onFailure);
    }

    private <T> void attempt(Function<AdminApi, T> work, String token, boolean steppedUp, Consumer<T> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> work.apply(token == null ? api.admin() : api.admin().confirmed(token)), onResult, failure -> {
            if (failure instanceof ApiException refused) {
                Optional<ConfirmationRequired> asked = refused.confirmation();
                if (asked.isPresent()) {
                    confirm(asked.get(), work, steppedUp, onResult, onFailure);
                    return;
                }
                if (refused.stepUpRequired() && !steppedUp) {
                    LOG.info("an admin change needs a fresh second factor: asking");
                    stepUpThen(() -> attempt(work, token, true, onResult, onFailure), onFailure);
                    return;
                }
            }
            onFailure.accept(failure);
        });
    }

    private <T> void confirm(ConfirmationRequired asked, Function<AdminApi, T> work, boolean steppedUp, Consumer<T> onResult,
                             Consumer<Throwable> onFailure) {
        LOG.info("the server asks to confirm {}: asking", asked.action());
        confirmation.ask(asked, () -> {
            if (asked.secondFactorNeeded() && !steppedUp) {
                stepUpThen(() -> attempt(work, asked.token(), true, onResult, onFailure), onFailure);
            } else {
                attempt(work, asked.token(), steppedUp, onResult, onFailure);
            }
        }, () -> {
            LOG.info("{}: not confirmed, nothing sent", asked.action());
            onFailure.accept(new Cancelled("Cancelled: nothing was changed."));
        });
    }

    /** Asks for a second factor and proves it, then runs {@code then}; a cancelled prompt is reported as such. */
    private void stepUpThen(Runnable then, Consumer<Throwable> onFailure) {
        stepUp.ask(factor -> background.run(() -> {
            api.stepUp(factor.method(), factor.code());
            return true;
        }, proved -> then.run(), onFailure), () -> onFailure.accept(new Cancelled("This change needs a fresh second factor: nothing was changed.")));
    }
}

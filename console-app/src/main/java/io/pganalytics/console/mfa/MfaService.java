package io.pganalytics.console.mfa;

import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.api.EnrolmentResult;
import io.pganalytics.console.api.SignIn;
import io.pganalytics.common.auth.MfaTotpEnrolment;
import io.pganalytics.console.common.Background;

import java.util.function.Consumer;

/** Second-factor calls, off the FX thread. */
public final class MfaService {
    private final ConsoleApi api;
    private final Background background;

    public MfaService(ConsoleApi api, Background background) {
        this.api = api;
        this.background = background;
    }

    public void verify(String challenge, String method, String code, Consumer<SignIn> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.verifyMfa(challenge, method, code), onResult, onFailure);
    }

    /** @param challenge the sign-in's challenge when the policy makes the person enrol before signing in, else null */
    public void startTotp(String challenge, Consumer<MfaTotpEnrolment> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.startTotp(challenge), onResult, onFailure);
    }

    public void confirmTotp(String enrolmentId, String code, String challenge, Consumer<EnrolmentResult> onResult,
                            Consumer<Throwable> onFailure) {
        background.run(() -> api.confirmTotp(enrolmentId, code, challenge), onResult, onFailure);
    }

    public void stepUp(String method, String code, Consumer<Boolean> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> {
            api.stepUp(method, code);
            return true;
        }, onResult, onFailure);
    }
}

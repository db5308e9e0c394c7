package io.pganalytics.console.mfa;

import io.pganalytics.common.auth.UserView;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.common.auth.MfaTotpEnrolment;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Enrolling an authenticator app: the server's secret as a QR code and as text, the first code to confirm it, then
 * the ten backup codes, shown once. Used during a sign-in the MFA policy holds ({@code challenge} set) and by a
 * signed-in person from the account menu ({@code challenge} null).
 */
public final class EnrolmentViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(EnrolmentViewModel.class);

    /** Where the enrolment is. */
    public enum Step { STARTING, SCAN, BACKUP_CODES, FAILED }

    private final MfaService service;
    private final String challenge;
    private final Consumer<Optional<UserView>> onDone;
    private final Runnable onCancel;

    private final ObjectProperty<Step> step = new SimpleObjectProperty<>(Step.STARTING);
    private final ObjectProperty<QrCode> qrCode = new SimpleObjectProperty<>();
    private final StringProperty secret = new SimpleStringProperty("");
    private final StringProperty code = new SimpleStringProperty("");
    private final ObservableList<String> backupCodes = FXCollections.observableArrayList();
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final StringProperty error = new SimpleStringProperty("");
    private MfaTotpEnrolment enrolment;
    private UserView signedIn;

    public EnrolmentViewModel(MfaService service, String challenge, Consumer<Optional<UserView>> onDone, Runnable onCancel) {
        this.service = service;
        this.challenge = challenge;
        this.onDone = onDone;
        this.onCancel = onCancel;
    }

    public void start() {
        busy.set(true);
        service.startTotp(challenge, started -> {
            busy.set(false);
            enrolment = started;
            secret.set(grouped(started.secret()));
            qrCode.set(QrCode.of(started.otpauthUri()));
            step.set(Step.SCAN);
        }, failure -> {
            busy.set(false);
            step.set(Step.FAILED);
            error.set(sentence("Starting the enrolment failed", failure));
        });
    }

    public void confirm() {
        if (busy.get() || enrolment == null) {
            return;
        }
        String typed = MfaMethod.normalise(code.get(), MfaMethod.TOTP);
        if (!typed.matches("[0-9]{6,8}")) {
            error.set("Enter the 6-digit code your authenticator app shows now.");
            return;
        }
        error.set("");
        busy.set(true);
        service.confirmTotp(enrolment.enrolmentId(), typed, challenge, result -> {
            busy.set(false);
            code.set("");
            signedIn = result.signedIn();
            backupCodes.setAll(result.backupCodes());
            step.set(Step.BACKUP_CODES);
        }, failure -> {
            busy.set(false);
            code.set("");
            error.set(sentence("Confirming the code failed", failure));
        });
    }

    /** The backup codes saved (or copied): go on, signed in when the enrolment finished a sign-in. */
    public void done() {
        backupCodes.clear();
        onDone.accept(Optional.ofNullable(signedIn));
    }

    public void cancel() {
        onCancel.run();
    }

    /** The backup codes, one a line, for the clipboard. */
    public String backupCodesText() {
        return String.join("\n", backupCodes) + "\n";
    }

    private static String sentence(String what, Throwable failure) {
        if (failure instanceof ApiException e) {
            LOG.info("{}: {}", what, e.getMessage());
            return e.getMessage();
        }
        LOG.error(what, failure);
        return what + ": " + failure.getMessage();
    }

    /** "JBSW Y3DP EHPK 3PXP": easier to type by hand than one run of letters. */
    static String grouped(String secret) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < secret.length(); i += 4) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(secret, i, Math.min(secret.length(), i + 4));
        }
        return text.toString();
    }

    public ReadOnlyObjectProperty<Step> stepProperty() {
        return step;
    }

    public ReadOnlyObjectProperty<QrCode> qrCodeProperty() {
        return qrCode;
    }

    public ReadOnlyStringProperty secretProperty() {
        return secret;
    }

    public StringProperty codeProperty() {
        return code;
    }

    public ObservableList<String> backupCodes() {
        return backupCodes;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }

    public boolean duringSignIn() {
        return challenge != null;
    }
}

package io.pganalytics.console.mfa;

import io.pganalytics.common.auth.MfaChallenge;
import io.pganalytics.console.api.ApiException;
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

import java.util.function.Consumer;

/**
 * The second half of a sign-in: the person's first factor was right, the server holds a challenge, and a code from
 * one of the offered methods finishes it.
 */
public final class MfaPromptViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(MfaPromptViewModel.class);

    private final MfaService service;
    private final MfaChallenge challenge;
    private final Consumer<SignIn> onSignIn;
    private final Runnable onCancel;

    private final ObservableList<MfaMethod> methods;
    private final ObjectProperty<MfaMethod> method = new SimpleObjectProperty<>();
    private final StringProperty code = new SimpleStringProperty("");
    private final StringProperty codePrompt = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final StringProperty error = new SimpleStringProperty("");

    public MfaPromptViewModel(MfaService service, MfaChallenge challenge, Consumer<SignIn> onSignIn, Runnable onCancel) {
        this.service = service;
        this.challenge = challenge;
        this.onSignIn = onSignIn;
        this.onCancel = onCancel;
        this.methods = FXCollections.observableArrayList(MfaMethod.of(challenge.methods()));
        method.addListener((o, was, now) -> codePrompt.set(now == null ? "" : now.prompt()));
        method.set(methods.getFirst());
    }

    public void verify() {
        if (busy.get()) {
            return;
        }
        MfaMethod with = method.get();
        String typed = MfaMethod.normalise(code.get(), with);
        if (typed.isEmpty()) {
            error.set("Enter the code.");
            return;
        }
        error.set("");
        busy.set(true);
        service.verify(challenge.challenge(), with.wireName(), typed, result -> {
            busy.set(false);
            code.set("");
            if (!result.complete()) {
                error.set("The server asked for another second factor: try again.");
                return;
            }
            onSignIn.accept(result);
        }, failure -> {
            busy.set(false);
            code.set("");
            if (failure instanceof ApiException e) {
                LOG.info("second factor ({}): {}", with.wireName(), e.getMessage());
                error.set(e.getMessage());
            } else {
                LOG.error("second factor ({})", with.wireName(), failure);
                error.set("Checking the code failed: " + failure.getMessage());
            }
        });
    }

    public void cancel() {
        onCancel.run();
    }

    public ObservableList<MfaMethod> methods() {
        return methods;
    }

    public ObjectProperty<MfaMethod> methodProperty() {
        return method;
    }

    public StringProperty codeProperty() {
        return code;
    }

    public ReadOnlyStringProperty codePromptProperty() {
        return codePrompt;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }
}

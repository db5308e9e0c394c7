package io.pganalytics.console.admin;

import java.util.function.Consumer;

/** Asks the person for a fresh second factor (on the UI thread); exactly one of the callbacks runs. */
public interface StepUpPrompt {
    /** A method by wire name ({@code totp}, {@code hotp}, {@code backup-code}) and its code. */
    record Factor(String method, String code) {
        @Override
        public String toString() {
            return "Factor[method=" + method + ", code=***]";
        }
    }

    void ask(Consumer<Factor> onAnswer, Runnable onCancel);
}

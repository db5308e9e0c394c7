package io.pganalytics.console.mfa;

import java.util.List;
import java.util.Optional;

/** The second factors the server knows, by wire name, with what a person reads. */
public enum MfaMethod {
    TOTP("totp", "Authenticator app", "6-digit code from your authenticator app"),
    HOTP("hotp", "Hardware token", "Code shown by your hardware token"),
    BACKUP_CODE("backup-code", "Backup code", "One of your saved backup codes");

    private final String wireName;
    private final String label;
    private final String prompt;

    MfaMethod(String wireName, String label, String prompt) {
        this.wireName = wireName;
        this.label = label;
        this.prompt = prompt;
    }

    public String wireName() {
        return wireName;
    }

    public String label() {
        return label;
    }

    public String prompt() {
        return prompt;
    }

    public static Optional<MfaMethod> fromWireName(String name) {
        for (MfaMethod method : values()) {
            if (method.wireName.equals(name)) {
                return Optional.of(method);
            }
        }
        return Optional.empty();
    }

    /** The methods a challenge offers, in this order; all three when it names none this console knows. */
    public static List<MfaMethod> of(List<String> names) {
        List<MfaMethod> known = names.stream().map(MfaMethod::fromWireName).flatMap(Optional::stream).distinct().sorted().toList();
        return known.isEmpty() ? List.of(values()) : known;
    }

    /** Codes are typed with spaces or dashes for readability ("123 456"); the server wants them without. */
    static String normalise(String typed, MfaMethod method) {
        String trimmed = typed == null ? "" : typed.strip();
        return method == BACKUP_CODE ? trimmed.replace(" ", "") : trimmed.replace(" ", "").replace("-", "");
    }
}

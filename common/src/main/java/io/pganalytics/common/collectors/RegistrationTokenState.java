package io.pganalytics.common.collectors;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Where a registration token stands: only an {@link #ACTIVE} one registers a collector. */
public enum RegistrationTokenState {
    ACTIVE, USED, EXPIRED, REVOKED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static RegistrationTokenState fromWireName(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}

package io.pganalytics.common.query;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * How fresh an instance's data is (the server's {@code query.*} settings give the thresholds; docs/API.md defines them):
 * {@code up}: data collected within 3 expected intervals; {@code down}: no batch received for it for the down
 * threshold (10 minutes by default) or longer; {@code stale}: anything in between (batches arrive but carry old data,
 * or they stopped only recently).
 */
public enum InstanceStatus {
    UP, STALE, DOWN;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static InstanceStatus fromWireName(String value) {
        for (InstanceStatus status : values()) {
            if (status.wireName().equals(value)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown instance status '" + value + "': expected up, stale or down");
    }
}

package io.pganalytics.server.alerting;

import io.pganalytics.common.alerting.AlertRule;

/** The order of severities: info < warning < critical. */
final class Severities {
    private Severities() {
    }

    static int rank(String severity) {
        return switch (severity) {
            case AlertRule.CRITICAL -> 2;
            case AlertRule.WARNING -> 1;
            default -> 0;
        };
    }

    static String max(String a, String b) {
        return a == null ? b : b == null ? a : rank(b) > rank(a) ? b : a;
    }
}

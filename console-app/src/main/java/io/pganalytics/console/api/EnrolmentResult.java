package io.pganalytics.console.api;

import io.pganalytics.common.auth.UserView;

import java.util.List;

/**
 * A confirmed enrolment: the ten backup codes (shown once) and, when the enrolment finished a sign-in, the user.
 */
public record EnrolmentResult(List<String> backupCodes, UserView signedIn) {
    public EnrolmentResult {
        backupCodes = backupCodes == null ? List.of() : List.copyOf(backupCodes);
    }

    @Override
    public String toString() {
        return "EnrolmentResult[backupCodes=" + backupCodes.size() + ", signedIn=" + signedIn + "]";
    }
}

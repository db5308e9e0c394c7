package io.pganalytics.console.backups;

import io.pganalytics.common.backup.BackupStatus;
import io.pganalytics.common.backup.BackupView;
import io.pganalytics.common.backup.InstanceArchiving;
import io.pganalytics.common.backup.OperationView;
import io.pganalytics.common.backup.VerificationView;

/** A status light's colour, as the stylesheet names it; what each wire state shows is decided here, once. */
public enum Light {
    OK("status-up"),
    WARNING("status-stale"),
    BAD("status-down"),
    RUNNING("status-running"),
    UNKNOWN("status-unknown");

    private final String styleClass;

    Light(String styleClass) {
        this.styleClass = styleClass;
    }

    public String styleClass() {
        return styleClass;
    }

    /** A backup's state: complete green, running blue, failed red, expired grey. */
    static Light ofBackup(String state) {
        return switch (state == null ? "" : state) {
            case BackupView.COMPLETE -> OK;
            case BackupView.RUNNING -> RUNNING;
            case BackupView.FAILED -> BAD;
            default -> UNKNOWN;
        };
    }

    /** A verification: passed green, failed red, running blue, never grey. */
    static Light ofVerification(VerificationView verification) {
        return switch (verification == null || verification.state() == null ? VerificationView.NONE : verification.state()) {
            case VerificationView.PASSED -> OK;
            case VerificationView.FAILED -> BAD;
            case "running" -> RUNNING;
            default -> UNKNOWN;
        };
    }

    static Light ofHealth(String health) {
        return switch (health == null ? "" : health) {
            case BackupStatus.OK -> OK;
            case BackupStatus.WARNING -> WARNING;
            case BackupStatus.FAILING -> BAD;
            default -> UNKNOWN;
        };
    }

    static Light ofArchiving(String state) {
        return switch (state == null ? "" : state) {
            case InstanceArchiving.OK -> OK;
            case InstanceArchiving.STALE -> WARNING;
            case InstanceArchiving.FAILING -> BAD;
            default -> UNKNOWN;
        };
    }

    static Light ofOperation(String state) {
        return switch (state == null ? "" : state) {
            case OperationView.SUCCEEDED -> OK;
            case OperationView.RUNNING -> RUNNING;
            case OperationView.FAILED -> BAD;
            default -> UNKNOWN;
        };
    }

    /** How bad an instance's archiving is, worst first: failing, stale, disabled, unknown, ok. */
    static int archivingRank(String state) {
        return switch (state == null ? "" : state) {
            case InstanceArchiving.FAILING -> 0;
            case InstanceArchiving.STALE -> 1;
            case InstanceArchiving.DISABLED -> 2;
            case InstanceArchiving.OK -> 4;
            default -> 3;
        };
    }
}

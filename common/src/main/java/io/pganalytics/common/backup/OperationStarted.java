package io.pganalytics.common.backup;

/**
 * The answer to "back up now", "verify now" and a restore: the run that does it.
 *
 * @param operation the run
 * @param started   false when a run of the same kind was already in progress: that run is returned and no other starts
 */
public record OperationStarted(OperationView operation, boolean started) {
}

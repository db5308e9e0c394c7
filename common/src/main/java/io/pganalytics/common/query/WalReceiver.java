package io.pganalytics.common.query;

/**
 * A standby's WAL receiver.
 *
 * @param status             streaming, waiting...
 * @param senderHost         the upstream's host
 * @param senderPort         the upstream's port
 * @param replayLagBytes     received but not replayed
 * @param replayDelaySeconds now minus the last replayed transaction's time
 * @param lastMsgAgeSeconds  seconds since the last message from the upstream
 */
public record WalReceiver(String status, String senderHost, Long senderPort, Long replayLagBytes, Double replayDelaySeconds,
                          Double lastMsgAgeSeconds) {
}

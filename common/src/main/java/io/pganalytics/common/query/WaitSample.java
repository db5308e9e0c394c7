package io.pganalytics.common.query;

/**
 * One wait event over a range, summed over databases and backend types.
 *
 * @param waitEventType the type ({@code Lock}, {@code IO}, {@code LWLock}...), or {@code CPU} for backends running
 * @param waitEvent     the event ({@code transactionid}...), or {@code CPU}
 * @param avgBackends   backends waiting on it on average over the range's samples (average active sessions)
 * @param maxBackends   the most backends seen waiting on it at one sample
 * @param samples       the samples it appeared in
 */
public record WaitSample(String waitEventType, String waitEvent, double avgBackends, long maxBackends, long samples) {
}

package io.pganalytics.server.alerting;

/**
 * What a condition says of one instance at one time: true (with its value, and the anomaly behind an anomaly-based
 * condition), false, or unknown (a stale or missing signal: the alert keeps its state).
 */
record Verdict(Outcome outcome, Double value, Long anomalyId) {
    enum Outcome { TRUE, FALSE, UNKNOWN }

    static final Verdict FALSE = new Verdict(Outcome.FALSE, null, null);
    static final Verdict UNKNOWN = new Verdict(Outcome.UNKNOWN, null, null);

    static Verdict holds(Double value) {
        return new Verdict(Outcome.TRUE, value, null);
    }

    boolean isTrue() {
        return outcome == Outcome.TRUE;
    }
}

package io.pganalytics.console.common;

import io.pganalytics.common.anomaly.AnomalyView;

import java.time.Instant;
import java.util.Locale;

/**
 * One anomaly on a chart: a span from its start to its end (or now, while open) and a dot at its peak.
 *
 * @param id       the anomaly's id
 * @param from     its start, epoch seconds
 * @param to       its end, or now while open
 * @param peak     its peak
 * @param severity {@code warning} or {@code critical}
 * @param text     what its tooltip says
 */
public record ChartMarker(long id, long from, long to, long peak, String severity, String text) {
    /** The marker of {@code anomaly} as of {@code now}. */
    public static ChartMarker of(AnomalyView anomaly, Instant now) {
        Instant end = anomaly.endedAt() != null ? anomaly.endedAt() : now;
        Instant peak = anomaly.peakAt() != null ? anomaly.peakAt() : anomaly.startedAt();
        String text = String.format(Locale.ROOT, "%s %s in %s (%s)%nstarted %s%nclick for its detail and root-cause hints",
                anomaly.severity(), anomaly.kind().replace('_', ' '), anomaly.label(), anomaly.state(), Figures.time(anomaly.startedAt()));
        return new ChartMarker(anomaly.id(), anomaly.startedAt().getEpochSecond(), Math.max(anomaly.startedAt().getEpochSecond(), end.getEpochSecond()),
                peak.getEpochSecond(), anomaly.severity(), text);
    }
}

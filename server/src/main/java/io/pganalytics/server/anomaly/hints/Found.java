package io.pganalytics.server.anomaly.hints;

import java.time.Instant;

/**
 * Something found in the window, before ranking.
 *
 * @param type      an {@link io.pganalytics.common.anomaly.AnomalyHint} type
 * @param subject   what it names, for a person
 * @param detail    why it is a hint, for a person
 * @param ref       the console link ({@code query:42}, {@code setting:work_mem}...)
 * @param magnitude how much it moved or weighs, 0 to 1 (each source says how it measures it)
 * @param at        when it happened or began; null when not a moment
 * @param extra     a fixed weight that overrides the computed one when larger (0 when none): the anomalous statement
 *                  itself, and the statement holding a ranked lock
 */
record Found(String type, String subject, String detail, String ref, double magnitude, Instant at, double extra) {

    Found(String type, String subject, String detail, String ref, double magnitude, Instant at) {
        this(type, subject, detail, ref, magnitude, at, 0);
    }

    Found {
        magnitude = Ranking.clamp(magnitude);
    }
}

package io.pganalytics.common.alerting;

/**
 * A concrete change that would have cut a noisy rule's noise, computed from its firings.
 *
 * @param kind     {@code threshold}, {@code for}, {@code maintenance_window} or {@code sensitivity}
 * @param text     one sentence for the operator ({@code "A threshold of 0.95 would have kept 2 of 14 firings, both
 *                 marked useful"})
 * @param proposed the proposed value ({@code 0.95}, {@code 10m}, {@code SUN 02:00-04:00 Europe/Paris})
 */
public record TuningSuggestion(String kind, String text, String proposed) {
}

package io.pganalytics.common.collectors;

/**
 * {@code PATCH /api/v1/collectors/{id}}: every field optional; an absent field is left as it is.
 *
 * @param enabled false refuses the collector's credential on every node at once; true accepts it again
 * @param name    a new display name (1 to 200 characters)
 */
public record UpdateCollectorRequest(Boolean enabled, String name) {
}

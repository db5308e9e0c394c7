package io.pganalytics.common.audit;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * One audit record as {@code GET /api/v1/audit} returns it.
 *
 * @param seq            its place in the chain (gapless, from 1)
 * @param category       {@code api} (an API call), {@code auth} (sign-in, sign-out, refresh, MFA), {@code change}
 *                       (a change with its values before and after), {@code ingest} (collector batches) or
 *                       {@code system} (the server's own acts: archive, key rotation jobs, lost records)
 * @param action         what was done: {@code user.update}, {@code auth.login}, or for API calls the method and route
 *                       ({@code GET /api/v1/instances/{id}})
 * @param outcome        {@code success}, {@code failure} (refused or failed) or {@code denied} (not allowed)
 * @param status         the HTTP status answered, for API calls
 * @param errorType      the error envelope's type when the call failed
 * @param details        what else the record holds that is not about a person (method, route, counts, values of
 *                       non-personal fields); an empty object when nothing
 * @param before         the changed resource's values before the change (secrets masked), null when not a change;
 *                       personal fields are absent once the person's data was erased
 * @param after          the values after it, likewise
 * @param personal       {@code readable}, {@code erased} (the personal fields' key was destroyed on an erasure request),
 *                       {@code unreadable} (the key that sealed them is gone: the keys were lost and made anew) or
 *                       {@code none} (the record holds no personal data)
 * @param hash           the record's chain hash, hex
 */
public record AuditRecordView(long seq, Instant at, String node, String category, String action, String outcome,
                              AuditActor actor, String resourceType, String resourceId, Integer status, String errorType,
                              Long durationMicros, JsonNode details, JsonNode before, JsonNode after, String subjectId,
                              String personal, String hash) {
}

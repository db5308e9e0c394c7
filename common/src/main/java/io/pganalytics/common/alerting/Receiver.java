package io.pganalytics.common.alerting;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/receivers}: where notifications go. Secrets are write-only: a request may carry them in
 * {@code secrets}; an answer names the ones set in {@code secretsSet} and never carries a value (an update without a
 * secret keeps the stored one).
 * <ul>
 * <li>{@code email}: settings {@code to} (comma-separated), {@code from}, {@code smtpHost}, {@code smtpPort},
 *     {@code tls} ({@code starttls} by default, {@code tls}, or {@code none} only with {@code allowPlain: true}),
 *     {@code username}; secret {@code password}.</li>
 * <li>{@code webhook}: settings {@code url}; secret {@code hmacKey} (the body's HMAC-SHA256 in
 *     {@code X-PgAnalytics-Signature}).</li>
 * <li>{@code slack}, {@code teams}: secret {@code url} (the incoming-webhook URL holds its credential).</li>
 * <li>{@code pagerduty}: settings {@code url} (Events v2 endpoint; the public one by default); secret {@code routingKey}.</li>
 * </ul>
 *
 * @param id         the receiver's id
 * @param name       unique
 * @param kind       {@code email}, {@code webhook}, {@code slack}, {@code teams}, {@code pagerduty}
 * @param settings   what is not secret
 * @param secrets    requests only
 * @param secretsSet answers only: the names of the secrets stored
 * @param updatedAt  when it last changed
 * @param version    the optimistic-lock version
 */
public record Receiver(Long id, String name, String kind, Map<String, String> settings, Map<String, String> secrets, List<String> secretsSet,
                       Instant updatedAt, long version) {

    public static final String EMAIL = "email";
    public static final String WEBHOOK = "webhook";
    public static final String SLACK = "slack";
    public static final String TEAMS = "teams";
    public static final String PAGERDUTY = "pagerduty";

    public Receiver {
        settings = settings == null ? Map.of() : Map.copyOf(settings);
        secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
        secretsSet = secretsSet == null ? List.of() : List.copyOf(secretsSet);
    }
}

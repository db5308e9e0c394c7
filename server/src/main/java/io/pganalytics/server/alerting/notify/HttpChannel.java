package io.pganalytics.server.alerting.notify;

import io.pganalytics.common.alerting.DeliveryResult;
import io.pganalytics.common.alerting.Receiver;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The receivers reached by an HTTPS POST of JSON: the generic webhook (signed: {@code X-PgAnalytics-Signature:
 * sha256=<hex HMAC-SHA256 of the body>}), Slack and Teams incoming webhooks and PagerDuty Events v2. Every request
 * carries the notification's stable id ({@code X-PgAnalytics-Notification}) so that a receiver can drop a repeat after
 * a node died between delivering and recording. Redirects are not followed; errors never quote the URL (Slack's and
 * Teams' URLs are credentials).
 */
final class HttpChannel implements Channel {
    static final String SIGNATURE = "X-PgAnalytics-Signature";
    static final String NOTIFICATION = "X-PgAnalytics-Notification";
    static final String EVENT = "X-PgAnalytics-Event";
    private static final int MAX_ERROR_BODY = 200;

    private final String kind;
    private final Templates templates;
    private final HttpClient client;
    private final Duration timeout;

    HttpChannel(String kind, Templates templates, Duration timeout) {
        this.kind = kind;
        this.templates = templates;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public DeliveryResult send(ReceiverTarget receiver, Map<String, Object> context, Templates.Delivery delivery) {
        long started = System.nanoTime();
        String url;
        String body;
        switch (kind) {
            case Receiver.WEBHOOK -> {
                url = receiver.settings().get("url");
                body = templates.render(Templates.WEBHOOK, context);
            }
            case Receiver.SLACK -> {
                url = receiver.secrets().get("url");
                body = templates.render(Templates.SLACK, context);
            }
            case Receiver.TEAMS -> {
                url = receiver.secrets().get("url");
                body = templates.render(Templates.TEAMS, context);
            }
            case Receiver.PAGERDUTY -> {
                url = receiver.setting("url", ReceiverChecks.PAGERDUTY_EVENTS);
                Map<String, Object> withKey = new HashMap<>(context);
                withKey.put("routingKey", receiver.secrets().getOrDefault("routingKey", ""));
                body = templates.render(Templates.PAGERDUTY, withKey);
            }
            default -> throw new IllegalArgumentException(kind);
        }
        if (url == null) {
            return new DeliveryResult(false, null, kind + " receiver " + receiver.id() + " has no URL", millis(started));
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "pgAnalytics-alerting")
                .header(NOTIFICATION, Long.toString(delivery.id()))
                .header(EVENT, String.valueOf(context.get("event")))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (Receiver.WEBHOOK.equals(kind)) {
            request.header(SIGNATURE, "sha256=" + hmac(receiver.secrets().getOrDefault("hmacKey", ""), bytes));
        }
        try {
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            String answer;
            try (InputStream in = response.body()) {
                answer = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return new DeliveryResult(true, status, null, millis(started));
            }
            return new DeliveryResult(false, status, "HTTP " + status + (answer.isBlank() ? "" : ": " + printable(answer)), millis(started));
        } catch (HttpTimeoutException e) {
            return new DeliveryResult(false, null, "no answer within " + timeout.toMillis() + " ms", millis(started));
        } catch (IOException e) {
            return new DeliveryResult(false, null, "could not reach the " + kind + " receiver: " + e.getClass().getSimpleName(), millis(started));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryResult(false, null, "interrupted (the server is stopping)", millis(started));
        } catch (IllegalArgumentException e) {
            return new DeliveryResult(false, null, "the receiver's URL is not usable", millis(started));
        }
    }

    static String hmac(String key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static String printable(String text) {
        return text.replaceAll("[\\p{Cntrl}]+", " ").strip();
    }

    private static long millis(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}

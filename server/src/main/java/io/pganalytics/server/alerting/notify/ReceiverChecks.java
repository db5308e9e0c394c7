package io.pganalytics.server.alerting.notify;

import io.pganalytics.common.alerting.Receiver;
import io.pganalytics.common.api.ErrorDetail;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** What each kind of receiver needs (see {@link Receiver}); every problem names its field. */
final class ReceiverChecks {
    static final Set<String> KINDS = Set.of(Receiver.EMAIL, Receiver.WEBHOOK, Receiver.SLACK, Receiver.TEAMS, Receiver.PAGERDUTY);
    static final String PAGERDUTY_EVENTS = "https://events.pagerduty.com/v2/enqueue";
    static final int MAX_NAME = 100;
    static final int MAX_VALUE = 8000;
    static final int MAX_RECIPIENTS = 20;
    static final int MIN_HMAC_KEY = 16;
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} ._-]{0,99}");
    private static final Map<String, Set<String>> SETTINGS = Map.of(
            Receiver.EMAIL, Set.of("to", "from", "smtpHost", "smtpPort", "tls", "allowPlain", "username", "trustedCertificate"),
            Receiver.WEBHOOK, Set.of("url"),
            Receiver.SLACK, Set.of(),
            Receiver.TEAMS, Set.of(),
            Receiver.PAGERDUTY, Set.of("url"));
    private static final Map<String, Set<String>> SECRETS = Map.of(
            Receiver.EMAIL, Set.of("password"),
            Receiver.WEBHOOK, Set.of("hmacKey"),
            Receiver.SLACK, Set.of("url"),
            Receiver.TEAMS, Set.of("url"),
            Receiver.PAGERDUTY, Set.of("routingKey"));

    private ReceiverChecks() {
    }

    static List<ErrorDetail> name(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return List.of(new ErrorDetail("name", "is required: 1 to " + MAX_NAME
                    + " letters, digits, spaces, '.', '_' or '-', starting with a letter or digit"));
        }
        return List.of();
    }

    static List<ErrorDetail> kind(String kind) {
        if (kind == null || !KINDS.contains(kind)) {
            return List.of(new ErrorDetail("kind", "is required: one of " + new TreeSet<>(KINDS)));
        }
        return List.of();
    }

    /** The settings and the secrets (as they will be stored: merged with the stored ones) of a receiver of {@code kind}. */
    static List<ErrorDetail> problems(String kind, Map<String, String> settings, Map<String, String> secrets) {
        List<ErrorDetail> problems = new ArrayList<>();
        unknown("settings", settings, SETTINGS.get(kind), kind, problems);
        unknown("secrets", secrets, SECRETS.get(kind), kind, problems);
        if (!problems.isEmpty()) {
            return problems;
        }
        switch (kind) {
            case Receiver.EMAIL -> email(settings, secrets, problems);
            case Receiver.WEBHOOK -> {
                url("settings.url", settings.get("url"), true, problems);
                String key = secrets.get("hmacKey");
                if (key == null || key.length() < MIN_HMAC_KEY) {
                    problems.add(new ErrorDetail("secrets.hmacKey", "is required: at least " + MIN_HMAC_KEY
                            + " characters (the body's HMAC-SHA256 is sent in X-PgAnalytics-Signature)"));
                }
            }
            case Receiver.SLACK, Receiver.TEAMS -> url("secrets.url", secrets.get("url"), true, problems);
            case Receiver.PAGERDUTY -> {
                url("settings.url", settings.get("url"), false, problems);
                String key = secrets.get("routingKey");
                if (key == null || key.isBlank() || key.length() > 100) {
                    problems.add(new ErrorDetail("secrets.routingKey", "is required: the integration key of a PagerDuty service"));
                }
            }
            default -> throw new IllegalArgumentException(kind);
        }
        return problems;
    }

    private static void unknown(String field, Map<String, String> values, Set<String> known, String kind, List<ErrorDetail> problems) {
        values.forEach((key, value) -> {
            if (!known.contains(key)) {
                problems.add(new ErrorDetail(field + "." + key, "is not a " + ("settings".equals(field) ? "setting" : "secret") + " of a " + kind + " receiver: " + (known.isEmpty() ? "it has none" : "known: " + new TreeSet<>(known))));
            } else if (value == null || value.length() > MAX_VALUE) {
                problems.add(new ErrorDetail(field + "." + key, "must be a text of at most " + MAX_VALUE + " characters"));
            }
        });
    }

    private static void email(Map<String, String> settings, Map<String, String> secrets, List<ErrorDetail> problems) {
        String to = settings.get("to");
        if (to == null || to.isBlank()) {
            problems.add(new ErrorDetail("settings.to", "is required: one or more addresses, comma-separated"));
        } else {
            try {
                InternetAddress[] addresses = InternetAddress.parse(to, true);
                if (addresses.length == 0 || addresses.length > MAX_RECIPIENTS) {
                    problems.add(new ErrorDetail("settings.to", "must name 1 to " + MAX_RECIPIENTS + " addresses"));
                }
            } catch (AddressException e) {
                problems.add(new ErrorDetail("settings.to", "is not a list of addresses: " + e.getMessage()));
            }
        }
        address("settings.from", settings.get("from"), problems);
        String host = settings.get("smtpHost");
        if (host == null || host.isBlank() || host.length() > 253 || host.contains("/") || host.contains(" ")) {
            problems.add(new ErrorDetail("settings.smtpHost", "is required: the SMTP server's host name"));
        }
        String port = settings.get("smtpPort");
        if (port != null) {
            try {
                int value = Integer.parseInt(port);
                if (value < 1 || value > 65535) {
                    problems.add(new ErrorDetail("settings.smtpPort", "must be 1 to 65535"));
                }
            } catch (NumberFormatException e) {
                problems.add(new ErrorDetail("settings.smtpPort", "must be a number (1 to 65535)"));
            }
        }
        String tls = settings.getOrDefault("tls", EmailChannel.STARTTLS);
        if (!Set.of(EmailChannel.STARTTLS, EmailChannel.TLS, EmailChannel.NONE).contains(tls)) {
            problems.add(new ErrorDetail("settings.tls", "must be starttls (the default), tls or none"));
        } else if (EmailChannel.NONE.equals(tls) && !"true".equals(settings.get("allowPlain"))) {
            problems.add(new ErrorDetail("settings.tls", "none sends mail and the password in clear: it needs allowPlain: \"true\""));
        }
        String allowPlain = settings.get("allowPlain");
        if (allowPlain != null && !Set.of("true", "false").contains(allowPlain)) {
            problems.add(new ErrorDetail("settings.allowPlain", "must be \"true\" or \"false\""));
        }
        if (secrets.containsKey("password") && settings.get("username") == null) {
            problems.add(new ErrorDetail("settings.username", "is required with a password"));
        }
        String certificate = settings.get("trustedCertificate");
        if (certificate != null) {
            try {
                CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(certificate.getBytes(StandardCharsets.US_ASCII)));
            } catch (CertificateException e) {
                problems.add(new ErrorDetail("settings.trustedCertificate", "is not a PEM certificate"));
            }
        }
    }

    private static void address(String field, String value, List<ErrorDetail> problems) {
        if (value == null || value.isBlank()) {
            problems.add(new ErrorDetail(field, "is required: an address"));
            return;
        }
        try {
            new InternetAddress(value, true);
        } catch (AddressException e) {
            problems.add(new ErrorDetail(field, "is not an address: " + e.getMessage()));
        }
    }

    /** An http(s) URL with a host and no user info (credentials belong in secrets). */
    private static void url(String field, String value, boolean required, List<ErrorDetail> problems) {
        if (value == null) {
            if (required) {
                problems.add(new ErrorDetail(field, "is required: an http or https URL"));
            }
            return;
        }
        try {
            URI uri = new URI(value);
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null || uri.getRawUserInfo() != null) {
                problems.add(new ErrorDetail(field, "must be an http or https URL with a host and no user:password@"));
            }
        } catch (URISyntaxException e) {
            problems.add(new ErrorDetail(field, "is not a URL"));
        }
    }
}

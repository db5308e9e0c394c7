package io.pganalytics.server.audit.forwarding;

import io.helidon.config.Config;
import io.pganalytics.server.config.Settings;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code audit.forwarding}: the list of destinations. Each item has a {@code name} (unique: it keys the durable
 * position), a {@code type} and that type's keys; docs/audit/exports.md has an example of each.
 */
public record ForwardingConfig(List<Destination> destinations) {

    public enum Kind {
        SYSLOG, ELASTICSEARCH, SPLUNK;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One destination.
     *
     * @param name           unique, [a-z0-9._-], 1 to 64 characters
     * @param host           syslog: the receiver's host name (also the name its certificate must hold)
     * @param port           syslog: its TLS port (6514, RFC 5425)
     * @param url            elasticsearch, splunk: the base URL ({@code https://es.example.com:9200})
     * @param index          elasticsearch: the index (default pganalytics-audit); splunk: the index (optional)
     * @param caFile         a PEM file of the CA certificates to trust instead of the JDK's
     * @param secretFile     elasticsearch: a file holding an API key; splunk: a file holding the HEC token
     * @param secretEnv      the same, from this environment variable instead
     * @param appName        syslog APP-NAME (default pganalytics)
     * @param facility       syslog facility number (default 13, log audit)
     * @param sourceType     splunk: sourcetype (default pganalytics:audit)
     * @param batchSize      records sent at most in one message batch or request
     * @param pollInterval   how often the forwarder looks for new records when it is caught up
     * @param retryInitial   the first wait after a failed delivery; doubled after each further failure
     * @param retryMax       the longest wait between attempts
     * @param timeout        connect and request timeout
     */
    public record Destination(String name, Kind kind, String host, int port, URI url, String index, Optional<Path> caFile,
                              Optional<Path> secretFile, Optional<String> secretEnv, String appName, int facility, String sourceType,
                              int batchSize, Duration pollInterval, Duration retryInitial, Duration retryMax, Duration timeout) {

        /** Where it sends, for logs and the status route: never a secret. */
        public String target() {
            return kind == Kind.SYSLOG ? "tls://" + host + ":" + port : url.toString();
        }
    }

    public static ForwardingConfig none() {
        return new ForwardingConfig(List.of());
    }

    public static ForwardingConfig from(Config audit) {
        List<Destination> destinations = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Config item : Settings.items(audit, "forwarding")) {
            Destination destination = destination(item);
            if (!names.add(destination.name())) {
                throw Settings.problem(item, "name", "'" + destination.name() + "' names two destinations; each needs its own");
            }
            destinations.add(destination);
        }
        return new ForwardingConfig(List.copyOf(destinations));
    }

    private static Destination destination(Config item) {
        String name = Settings.optionalString(item, "name").orElseThrow(() -> Settings.problem(item, "name", "is required"));
        if (!name.matches("[a-z0-9._-]{1,64}")) {
            throw Settings.problem(item, "name", "'" + name + "' must be 1 to 64 of a-z, 0-9, '.', '_' and '-'");
        }
        Kind kind = Settings.choice(item, "type", Kind.class, null);
        if (kind == null) {
            throw Settings.problem(item, "type", "is required: syslog, elasticsearch or splunk");
        }
        String host = null;
        int port = 0;
        URI url = null;
        if (kind == Kind.SYSLOG) {
            host = Settings.optionalString(item, "host").orElseThrow(() -> Settings.problem(item, "host", "is required for syslog"));
            port = Settings.integer(item, "port", 6514, 1, 65535);
        } else {
            String text = Settings.optionalString(item, "url").orElseThrow(() -> Settings.problem(item, "url", "is required for " + kind.wireName()));
            url = url(item, text);
        }
        String index = Settings.string(item, "index", kind == Kind.ELASTICSEARCH ? "pganalytics-audit" : "");
        if (kind == Kind.ELASTICSEARCH && !index.matches("[a-z0-9][a-z0-9._+-]{0,254}")) {
            throw Settings.problem(item, "index", "'" + index + "' is not a valid Elasticsearch index name (lower case, no spaces or , / * ? \" < > | \\)");
        }
        Optional<Path> secretFile = Settings.path(item, kind == Kind.SPLUNK ? "token-file" : "api-key-file");
        Optional<String> secretEnv = Settings.optionalString(item, kind == Kind.SPLUNK ? "token-env" : "api-key-env");
        if (kind == Kind.SPLUNK && secretFile.isEmpty() && secretEnv.isEmpty()) {
            throw Settings.problem(item, "token-file", "a Splunk HEC token is required: token-file or token-env");
        }
        if (secretFile.isPresent() && secretEnv.isPresent()) {
            throw Settings.problem(item, kind == Kind.SPLUNK ? "token-env" : "api-key-env", "give the secret once: a file or an environment variable");
        }
        String appName = kind == Kind.SYSLOG ? Settings.string(item, "app-name", "pganalytics") : "pganalytics";
        if (!appName.matches("[!-~]{1,48}")) {
            throw Settings.problem(item, "app-name", "must be 1 to 48 printable ASCII characters without spaces (RFC 5424)");
        }
        int facility = kind == Kind.SYSLOG ? Settings.integer(item, "facility", 13, 0, 23) : 13;
        String sourceType = kind == Kind.SPLUNK ? Settings.string(item, "sourcetype", "pganalytics:audit") : "";
        Duration retryInitial = Settings.duration(item, "retry-initial", Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(5));
        Duration retryMax = Settings.duration(item, "retry-max", Duration.ofMinutes(5), Duration.ofMillis(10), Duration.ofHours(1));
        if (retryMax.compareTo(retryInitial) < 0) {
            throw Settings.problem(item, "retry-max", retryMax + " is shorter than retry-initial " + retryInitial);
        }
        return new Destination(name, kind, host, port, url, index, Settings.path(item, "ca-file"), secretFile, secretEnv, appName,
                facility, sourceType,
                Settings.integer(item, "batch-size", 500, 1, 5000),
                Settings.duration(item, "poll-interval", Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(10)),
                retryInitial, retryMax,
                Settings.duration(item, "timeout", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(5)));
    }

    private static URI url(Config item, String text) {
        try {
            URI url = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            if (!("https".equals(url.getScheme()) || "http".equals(url.getScheme())) || url.getHost() == null) {
                throw Settings.problem(item, "url", "'" + text + "' is not an http(s) URL with a host");
            }
            if (url.getRawQuery() != null || url.getRawUserInfo() != null) {
                throw Settings.problem(item, "url", "must carry no query and no credentials (use api-key-file / token-file)");
            }
            return url;
        } catch (IllegalArgumentException e) {
            throw Settings.problem(item, "url", "'" + text + "' is not a URL");
        }
    }
}

package io.pganalytics.server.db;

import io.helidon.config.Config;
import io.pganalytics.server.config.Settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code database} node.
 *
 * @param url               a {@code jdbc:postgresql://} URL of an external PostgreSQL 13+; empty starts the embedded one
 * @param user              the role to connect as (external only)
 * @param password          the password, from {@code password} or read from {@code password-file} (external only)
 * @param poolSize          the most connections this node holds
 * @param connectionTimeout how long a request waits for a connection before failing with 503
 * @param timeseriesDialect {@code auto} (TimescaleDB when available), {@code plain} or {@code timescaledb}
 * @param embeddedPort      the embedded PostgreSQL's port (0 picks a free one at each start)
 */
public record DatabaseConfig(Optional<String> url,
                             String user,
                             Optional<String> password,
                             int poolSize,
                             Duration connectionTimeout,
                             TimeSeriesDialect.Choice timeseriesDialect,
                             int embeddedPort) {

    public boolean embedded() {
        return url.isEmpty();
    }

    public static DatabaseConfig from(Config node) {
        Optional<String> url = Settings.optionalString(node, "url");
        url.ifPresent(u -> {
            if (!u.startsWith("jdbc:postgresql:")) {
                throw Settings.problem(node, "url", "must be a jdbc:postgresql:// URL, got '" + redact(u) + "'");
            }
        });
        Optional<String> password = Settings.optionalString(node, "password");
        Optional<Path> passwordFile = Settings.path(node, "password-file");
        if (password.isPresent() && passwordFile.isPresent()) {
            throw Settings.problem(node, "password-file", "set either database.password or database.password-file, not both");
        }
        if (passwordFile.isPresent()) {
            try {
                password = Optional.of(Files.readString(passwordFile.get()).strip());
            } catch (IOException e) {
                throw Settings.problem(node, "password-file", "cannot read " + passwordFile.get() + ": " + e.getMessage());
            }
        }
        if (url.isEmpty() && password.isPresent()) {
            throw Settings.problem(node, "password", "is only used with database.url; the embedded database needs none");
        }
        return new DatabaseConfig(url,
                Settings.string(node, "user", "postgres"),
                password,
                Settings.integer(node, "pool-size", 16, 2, 200),
                Settings.duration(node, "connection-timeout", Duration.ofSeconds(5), Duration.ofMillis(250), Duration.ofMinutes(2)),
                Settings.choice(node, "timeseries-dialect", TimeSeriesDialect.Choice.class, TimeSeriesDialect.Choice.AUTO),
                Settings.integer(node.get("embedded"), "port", 0, 0, 65535));
    }

    /** A JDBC URL fit for a log line: credentials in the URL are masked. */
    public static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("//[^/@]*@", "//***@");
    }

    @Override
    public String toString() {
        return "DatabaseConfig[url=" + url.map(DatabaseConfig::redact).orElse("(embedded)") + ", user=" + user
                + ", password=" + (password.isPresent() ? "***" : "none") + ", poolSize=" + poolSize + "]";
    }
}

package io.pganalytics.collector.config;

import io.pganalytics.collector.target.ConnectionSettings;
import io.pganalytics.collector.target.TargetSpec;
import io.pganalytics.collector.target.TargetUrls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One {@code targets[i]} entry.
 *
 * @param name             unique name of the target (shown in the console)
 * @param url              {@code postgresql://user@host:port/db[?sslmode=...]} or {@code jdbc:postgresql://...}; no password
 * @param passwordFile     a file holding the password (first line), read when the collector starts
 * @param passwordEnv      an environment variable holding the password
 * @param includeDatabases databases to read (wildcards with '*'); empty means all
 * @param excludeDatabases databases never read
 * @param maxDatabases     at most this many databases per instance
 * @param intervals        per-family interval overrides for this target (on top of the global ones)
 * @param statementTimeout {@code statement_timeout} of each unit of work on this target (the collector's, or its own)
 * @param lockTimeout      {@code lock_timeout} of each unit of work on this target (the collector's, or its own)
 */
public record TargetConfig(String name,
                           String url,
                           Path passwordFile,
                           String passwordEnv,
                           List<String> includeDatabases,
                           List<String> excludeDatabases,
                           int maxDatabases,
                           Map<String, Duration> intervals,
                           Duration statementTimeout,
                           Duration lockTimeout) {
    public TargetConfig {
        includeDatabases = List.copyOf(includeDatabases);
        excludeDatabases = List.copyOf(excludeDatabases);
        intervals = Map.copyOf(intervals);
    }

    /** The connection settings of this target: the defaults with its statement and lock timeouts. */
    public ConnectionSettings connectionSettings() {
        ConnectionSettings d = ConnectionSettings.DEFAULTS;
        return new ConnectionSettings(d.connectTimeout(), statementTimeout, lockTimeout, d.idleClose());
    }

    /** {@code url} in the libpq form {@link TargetUrls} reads. */
    static String libpqUrl(String url) {
        return url.startsWith("jdbc:postgresql://") ? "postgresql://" + url.substring("jdbc:postgresql://".length()) : url;
    }

    /**
     * The target as the collection side takes it, with its password read now.
     *
     * @throws UncheckedIOException when the password file cannot be read
     */
    public TargetSpec toTargetSpec(Map<String, String> env) {
        TargetSpec spec = TargetUrls.parse(libpqUrl(url), Map.of("PGUSER", env.getOrDefault("PGUSER", "postgres")));
        String password = null;
        if (passwordFile != null) {
            try {
                password = Files.readAllLines(passwordFile).stream().findFirst().orElse("").strip();
            } catch (IOException e) {
                throw new UncheckedIOException("target " + name + ": cannot read password-file " + passwordFile, e);
            }
        } else if (passwordEnv != null) {
            password = env.get(passwordEnv);
        }
        return spec.withName(name).withPassword(password)
                .withDatabases(includeDatabases, excludeDatabases, maxDatabases);
    }

    @Override
    public String toString() {
        return "TargetConfig[name=" + name + ", url=" + url + ", passwordFile=" + passwordFile + ", passwordEnv="
                + passwordEnv + ", include=" + includeDatabases + ", exclude=" + excludeDatabases
                + ", maxDatabases=" + maxDatabases + ", intervals=" + intervals + ", statementTimeout=" + statementTimeout
                + ", lockTimeout=" + lockTimeout + "]";
    }
}

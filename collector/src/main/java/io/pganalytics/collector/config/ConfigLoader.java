package io.pganalytics.collector.config;

import io.pganalytics.collector.crypto.EncryptionSettings;
import io.pganalytics.collector.host.HostSettings;
import io.pganalytics.collector.ship.ServerTls;
import io.pganalytics.collector.ship.ShippingSettings;
import io.pganalytics.collector.spool.BatchSettings;
import io.pganalytics.collector.spool.SpoolSettings;
import io.pganalytics.collector.target.ConnectionSettings;
import io.pganalytics.collector.target.TargetUrls;
import io.pganalytics.common.catalog.MetricCatalog;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the collector's YAML configuration. Defaults live here and nowhere else; docs/COLLECTOR.md shows every
 * key. Relative paths are resolved against the configuration file's directory.
 */
public final class ConfigLoader {
    public static final int MAX_THREADS = 16;
    public static final int DEFAULT_THREADS = 4;
    public static final int DEFAULT_TOP_N = 100;
    public static final int DEFAULT_MAX_DATABASES = 50;
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    private static final Pattern TARGET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_TARGETS = 1000;
    /** Bounds of statement-timeout and lock-timeout: a probe needs some time, and must never hold a worker for long. */
    private static final Duration MIN_STATEMENT_TIMEOUT = Duration.ofMillis(100);
    private static final Duration MIN_LOCK_TIMEOUT = Duration.ofMillis(10);
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

    private ConfigLoader() {
    }

    /** The default home of the collector's files: {@code ~/.pganalytics/collector}. */
    public static Path defaultHome(Map<String, String> env) {
        return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".pganalytics", "collector");
    }

    public static CollectorConfig load(Path file, Map<String, String> env) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(List.of("config file " + file + ": cannot be read: " + e.getMessage()));
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(text, env, base, file.toString());
    }

    public static CollectorConfig parse(String yaml, Map<String, String> env, Path baseDir) throws ConfigException {
        return parse(yaml, env, baseDir, "config");
    }

    private static CollectorConfig parse(String yaml, Map<String, String> env, Path baseDir, String source)
            throws ConfigException {
        Object document;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            document = new Yaml(new SafeConstructor(options)).load(yaml);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            String problem = (e.getContext() == null ? "" : e.getContext() + ": ") + e.getProblem();
            throw new ConfigException(List.of(source + ": not valid YAML" + where + ": " + oneLine(problem)));
        } catch (YAMLException e) {
            throw new ConfigException(List.of(source + ": not valid YAML: " + oneLine(String.valueOf(e.getMessage()))));
        }
        if (document != null && !(document instanceof Map<?, ?>)) {
            throw new ConfigException(List.of("config: the top level must be a mapping of keys to values"));
        }
        Map<String, Object> values = new LinkedHashMap<>();
        if (document instanceof Map<?, ?> map) {
            map.forEach((k, v) -> values.put(String.valueOf(k), v));
        }
        List<String> problems = new ArrayList<>();
        ConfigNode root = new ConfigNode("", values, env, true, problems);
        CollectorConfig config = read(root, env, baseDir, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }

    private static CollectorConfig read(ConfigNode root, Map<String, String> env, Path baseDir, List<String> problems) {
        Path home = defaultHome(env);
        ConfigNode server = root.child("server");
        URI serverUrl = serverUrl(server);
        Path caFile = server.path("ca-file", null, baseDir);
        boolean insecure = server.bool("insecure-skip-verify", false);
        if (caFile != null && !Files.isReadable(caFile)) {
            server.problem("ca-file", "cannot read " + caFile);
        }
        if (caFile != null && insecure) {
            server.problem("insecure-skip-verify", "cannot be combined with server.ca-file: choose one");
        }
        server.rejectUnknownKeys();

        Path identityFile = root.path("identity-file", home.resolve("identity.json"), baseDir);
        SpoolSettings spool = spool(root.child("spool"), home, baseDir);
        EncryptionSettings encryption = encryption(root.child("encryption"), identityFile.toAbsolutePath().getParent(), baseDir);
        ShippingSettings shipping = shipping(root.child("shipping"));
        BatchSettings batching = batching(root.child("batching"));
        int threads = root.integer("threads", DEFAULT_THREADS, 1, MAX_THREADS);
        Duration healthInterval = root.duration("health-interval", Duration.ofSeconds(60), Duration.ofSeconds(5));
        ConfigNode statements = root.child("statements");
        int topN = statements.integer("top-n", DEFAULT_TOP_N, 1, 10_000);
        statements.rejectUnknownKeys();
        Map<String, Duration> intervals = intervals(root, "intervals");
        HostSettings host = host(root.child("host"), baseDir);
        Timeouts timeouts = timeouts(root, new Timeouts(ConnectionSettings.DEFAULTS.statementTimeout(),
                ConnectionSettings.DEFAULTS.lockTimeout()));
        List<TargetConfig> targets = targets(root, env, baseDir, timeouts);
        root.rejectUnknownKeys();
        if (!problems.isEmpty()) {
            return null;
        }
        return new CollectorConfig(serverUrl, new ServerTls(caFile, insecure), identityFile, spool, encryption,
                shipping, batching, threads, healthInterval, topN, intervals, host, targets);
    }

    private static URI serverUrl(ConfigNode server) {
        String text = server.string("url", null);
        if (text == null) {
            return null;
        }
        try {
            URI uri = new URI(text);
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
                server.problem("url", "must be an https:// (or http://) URL with a host, got '" + text + "'");
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            server.problem("url", "is not a URL: " + e.getMessage());
            return null;
        }
    }

    private static SpoolSettings spool(ConfigNode node, Path home, Path baseDir) {
        Path dir = node.path("dir", home.resolve("spool"), baseDir);
        long maxBytes = node.size("max-bytes", SpoolSettings.DEFAULT_MAX_BYTES, SpoolSettings.MIN_MAX_BYTES);
        long segmentBytes = node.size("segment-bytes", SpoolSettings.DEFAULT_SEGMENT_BYTES, 4096);
        node.rejectUnknownKeys();
        return new SpoolSettings(dir, maxBytes, segmentBytes);
    }

    private static EncryptionSettings encryption(ConfigNode node, Path stateDirectory, Path baseDir) {
        boolean enabled = node.bool("enabled", true);
        Path keyStore = node.path("keystore", EncryptionSettings.defaultKeyStore(stateDirectory), baseDir);
        Path passphraseFile = node.path("passphrase-file", null, baseDir);
        if (passphraseFile != null && !Files.isReadable(passphraseFile)) {
            node.problem("passphrase-file", "cannot read " + passphraseFile);
        }
        String passphraseEnv = node.string("passphrase-env", EncryptionSettings.DEFAULT_PASSPHRASE_ENV);
        if (!EncryptionSettings.isEnvironmentName(passphraseEnv)) {
            node.problem("passphrase-env", "'" + passphraseEnv + "' is not an environment variable name");
            passphraseEnv = EncryptionSettings.DEFAULT_PASSPHRASE_ENV;
        }
        node.rejectUnknownKeys();
        return new EncryptionSettings(enabled, keyStore, passphraseFile, passphraseEnv);
    }

    /**
     * The proc tree of the host families. A root set explicitly must look like a proc file system (a readable
     * {@code stat}): a wrong mount in a container would otherwise only show as host figures that never come.
     */
    private static HostSettings host(ConfigNode node, Path baseDir) {
        Path procRoot = node.path("proc-root", HostSettings.DEFAULT_PROC_ROOT, baseDir);
        if (!procRoot.equals(HostSettings.DEFAULT_PROC_ROOT) && !Files.isReadable(procRoot.resolve("stat"))) {
            node.problem("proc-root", Files.isDirectory(procRoot)
                    ? procRoot + " is not a proc file system (no readable stat in it)"
                    : procRoot + " is not a readable directory (mount the host's /proc there, read-only)");
        }
        node.rejectUnknownKeys();
        return new HostSettings(procRoot);
    }

    private static ShippingSettings shipping(ConfigNode node) {
        ShippingSettings d = ShippingSettings.DEFAULTS;
        Duration millisecond = Duration.ofMillis(1);
        Duration base = node.duration("backoff-initial", d.backoffBase(), millisecond);
        Duration cap = node.duration("backoff-max", d.backoffCap(), millisecond);
        if (cap.compareTo(base) < 0) {
            node.problem("backoff-max", "must not be below shipping.backoff-initial");
            cap = base;
        }
        ShippingSettings settings = new ShippingSettings(base, cap,
                node.duration("max-retry-after", d.maxRetryAfter(), Duration.ofSeconds(1)),
                node.duration("connect-timeout", d.connectTimeout(), Duration.ofMillis(100)),
                node.duration("request-timeout", d.requestTimeout(), Duration.ofMillis(100)),
                node.size("quarantine-max-bytes", d.quarantineMaxBytes(), 0));
        node.rejectUnknownKeys();
        return settings;
    }

    private static BatchSettings batching(ConfigNode node) {
        BatchSettings d = BatchSettings.DEFAULTS;
        BatchSettings settings = new BatchSettings(
                node.integer("queue-capacity", d.queueCapacity(), 100, 1_000_000),
                node.integer("max-rows", d.maxRows(), 1, 1_000_000),
                node.integer("max-snapshots", d.maxSnapshots(), 1, 100_000),
                node.duration("max-delay", d.maxDelay(), Duration.ofMillis(10)));
        node.rejectUnknownKeys();
        return settings;
    }

    private static Map<String, Duration> intervals(ConfigNode node, String key) {
        Map<String, Duration> intervals = node.durations(key, MIN_INTERVAL);
        for (String family : intervals.keySet()) {
            if (MetricCatalog.byName(family).isEmpty()) {
                node.problem(key + "." + family, "unknown metric family; known: " + String.join(", ", MetricCatalog.names()));
            }
        }
        return intervals;
    }

    /** {@code statement_timeout} and {@code lock_timeout} of the collector's units of work on a target. */
    private record Timeouts(Duration statement, Duration lock) {
    }

    private static Timeouts timeouts(ConfigNode node, Timeouts fallback) {
        Duration statement = node.duration("statement-timeout", fallback.statement(), MIN_STATEMENT_TIMEOUT, MAX_TIMEOUT);
        Duration lock = node.duration("lock-timeout", fallback.lock(), MIN_LOCK_TIMEOUT, MAX_TIMEOUT);
        if (lock.compareTo(statement) > 0) {
            node.problem("lock-timeout", "must not be above " + node.key("statement-timeout") + " (" + statement.toMillis()
                    + " ms), got " + lock.toMillis() + " ms");
        }
        return new Timeouts(statement, lock);
    }

    private static List<TargetConfig> targets(ConfigNode root, Map<String, String> env, Path baseDir, Timeouts defaults) {
        List<ConfigNode> nodes = root.list("targets");
        if (nodes.isEmpty() && !root.has("targets")) {
            root.problem("targets", "at least one target is required");
        }
        if (nodes.size() > MAX_TARGETS) {
            root.problem("targets", "at most " + MAX_TARGETS + " targets per collector, got " + nodes.size());
        }
        Set<String> names = new HashSet<>();
        List<TargetConfig> targets = new ArrayList<>();
        for (ConfigNode node : nodes) {
            String url = node.string("url", null);
            String name = node.string("name", null);
            if (name == null) {
                node.problem("name", "is required");
            } else if (!TARGET_NAME.matcher(name).matches()) {
                node.problem("name", "must be 1 to 64 letters, digits, '.', '_' or '-', got '" + name + "'");
            } else if (!names.add(name)) {
                node.problem("name", "'" + name + "' is used by another target");
            }
            validateUrl(node, url);
            Path passwordFile = node.path("password-file", null, baseDir);
            String passwordEnv = node.string("password-env", null);
            if (passwordFile != null && passwordEnv != null) {
                node.problem("password-env", "cannot be combined with password-file: choose one");
            } else if (passwordFile != null && !Files.isReadable(passwordFile)) {
                node.problem("password-file", "cannot read " + passwordFile);
            } else if (passwordEnv != null && env.get(passwordEnv) == null) {
                node.problem("password-env", "the environment variable " + passwordEnv + " is not set");
            }
            List<String> include = node.strings("include-databases");
            List<String> exclude = node.strings("exclude-databases");
            int maxDatabases = node.integer("max-databases", DEFAULT_MAX_DATABASES, 1, 10_000);
            Map<String, Duration> intervals = intervals(node, "intervals");
            Timeouts timeouts = timeouts(node, defaults);
            node.rejectUnknownKeys();
            targets.add(new TargetConfig(name, url, passwordFile, passwordEnv, include, exclude, maxDatabases, intervals,
                    timeouts.statement(), timeouts.lock()));
        }
        return targets;
    }

    private static void validateUrl(ConfigNode node, String url) {
        if (url == null) {
            node.problem("url", "is required (postgresql://user@host:port/database)");
            return;
        }
        String libpq = TargetConfig.libpqUrl(url);
        if (!libpq.startsWith("postgresql://") && !libpq.startsWith("postgres://")) {
            node.problem("url", "must start with postgresql:// or jdbc:postgresql://");
            return;
        }
        String authority = libpq.substring(libpq.indexOf("//") + 2);
        int at = authority.lastIndexOf('@');
        int slash = authority.indexOf('/');
        boolean passwordInUserInfo = at >= 0 && (slash < 0 || at < slash) && authority.substring(0, at).contains(":");
        if (passwordInUserInfo || libpq.matches(".*[?&]password=.*")) {
            node.problem("url", "holds a password: move it to password-file or password-env");
            return;
        }
        try {
            TargetUrls.parse(libpq, Map.of());
        } catch (IllegalArgumentException e) {
            node.problem("url", e.getMessage());
        }
    }
}

package io.pganalytics.collector.register;

import io.pganalytics.collector.cli.CommandLine;
import io.pganalytics.collector.cli.UsageException;
import io.pganalytics.collector.config.CollectorConfig;
import io.pganalytics.collector.config.ConfigException;
import io.pganalytics.collector.config.ConfigLoader;
import io.pganalytics.collector.crypto.CollectorEncryption;
import io.pganalytics.collector.crypto.EncryptionSettings;
import io.pganalytics.collector.ship.ServerTls;
import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.common.wire.CollectorIdentity;
import io.pganalytics.common.wire.RegistrationRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code register --server URL (--token TOKEN | --token-file F) [--name NAME] [--config F | --identity-file F] [--ca-file F | --insecure] [--force]}.
 */
public final class RegisterCommand {
    private static final Logger LOG = LoggerFactory.getLogger(RegisterCommand.class);
    public static final String USAGE = """
            register --server URL (--token TOKEN | --token-file FILE) [--name NAME] [--config FILE | --identity-file FILE]
                     [--ca-file PEM | --insecure] [--force]
              Exchanges a one-time registration token (issued by an administrator in the console) for this
              collector's identity, written owner-only to --identity-file (default ~/.pganalytics/collector/identity.json),
              or to the config's identity-file with its encryption section. The credential is sealed with the collector's
              key (docs/encryption/collector.md) unless encryption.enabled is false.
              --token-file keeps the token out of the process list. --force replaces an existing identity file.""";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private RegisterCommand() {
    }

    /** @return the exit status: 0 registered, 1 the registration failed */
    public static int run(List<String> args, PrintStream out, PrintStream err, Map<String, String> env, String collectorVersion)
            throws UsageException, InterruptedException {
        CommandLine line = CommandLine.parse("register", args,
                Set.of("server", "token", "token-file", "name", "identity-file", "ca-file", "config"), Set.of("insecure", "force"));
        URI server = serverUri(line.required("server"));
        String token = token(line);
        if (line.flag("insecure") && line.value("ca-file").isPresent()) {
            throw new UsageException("register: --ca-file and --insecure cannot be combined");
        }
        if (line.value("config").isPresent() && line.value("identity-file").isPresent()) {
            throw new UsageException("register: --config and --identity-file cannot be combined (the config names the identity file)");
        }
        Path identityFile;
        EncryptionSettings encryptionSettings;
        if (line.value("config").isPresent()) {
            Path configFile = line.path("config").orElseThrow();
            try {
                CollectorConfig config = ConfigLoader.load(configFile, env);
                identityFile = config.identityFile();
                encryptionSettings = config.encryption();
            } catch (ConfigException e) {
                err.println("register: " + configFile + " is not a valid configuration:");
                e.problems().forEach(p -> err.println("  " + p));
                return 1;
            }
        } else {
            identityFile = line.path("identity-file").orElse(IdentityFile.defaultPath(env));
            encryptionSettings = EncryptionSettings.defaults(identityFile.toAbsolutePath().getParent());
        }
        if (Files.exists(identityFile) && !line.flag("force")) {
            err.println("register: " + identityFile + " already exists; pass --force to replace it");
            return 1;
        }
        String hostname = hostname();
        String name = line.value("name").orElse(hostname);
        CollectorEncryption encryption;
        try {
            encryption = CollectorEncryption.open(encryptionSettings, env, new SecureRandom());
        } catch (CryptoException e) {
            err.println("register: cannot open the collector's encryption keys: " + e.getMessage());
            return 1;
        }
        try (encryption) {
            ServerTls tls = new ServerTls(line.path("ca-file").orElse(null), line.flag("insecure"));
            RegistrationClient client = new RegistrationClient(tls.newClient(TIMEOUT), TIMEOUT);
            CollectorIdentity identity = client.register(server, new RegistrationRequest(token, name, hostname, collectorVersion));
            IdentityFile.write(identityFile, identity, encryption.sealingKeys());
            LOG.info("registered collector {} with {}", identity.collectorId(), server);
            out.println("Registered collector " + identity.collectorId() + " (" + name + ") with " + server + ".");
            out.println("Identity written to " + identityFile + " (readable by its owner only"
                    + (encryption.enabled() ? ", the credential sealed with the key in " + encryptionSettings.keyStore().getParent() : "") + ").");
            return 0;
        } catch (RegistrationException | IOException e) {
            err.println("register: " + e.getMessage());
            return 1;
        }
    }

    static URI serverUri(String text) throws UsageException {
        try {
            URI uri = URI.create(text);
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new UsageException("--server must be an https:// URL with a host, got '" + text + "'");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--server is not a URL: " + text);
        }
    }

    private static String token(CommandLine line) throws UsageException {
        if (line.value("token").isPresent() == line.value("token-file").isPresent()) {
            throw new UsageException("register: give exactly one of --token and --token-file");
        }
        if (line.value("token").isPresent()) {
            return line.required("token");
        }
        Path file = line.path("token-file").orElseThrow();
        try {
            String token = Files.readString(file).strip();
            if (token.isEmpty()) {
                throw new UsageException("register: --token-file " + file + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new UsageException("register: cannot read --token-file " + file + ": " + e.getMessage());
        }
    }

    static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}

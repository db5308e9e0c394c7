package io.pganalytics.collector;

import io.pganalytics.collector.cli.CommandLine;
import io.pganalytics.collector.cli.UsageException;
import io.pganalytics.collector.config.CollectorConfig;
import io.pganalytics.collector.config.ConfigException;
import io.pganalytics.collector.config.ConfigLoader;
import io.pganalytics.collector.crypto.CollectorEncryption;
import io.pganalytics.collector.register.IdentityFile;
import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.common.wire.CollectorIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code run --config FILE}: the long-running agent, until SIGTERM or Ctrl-C. */
final class RunCommand {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    static final String USAGE = """
            run --config FILE
              Runs the agent: collects every configured target, spools batches on disk and ships them to the
              server. Stops cleanly on SIGTERM or Ctrl-C (collected data stays in the spool). See docs/COLLECTOR.md.""";

    private RunCommand() {
    }

    static int run(List<String> args, PrintStream err, Map<String, String> env, String version)
            throws UsageException, InterruptedException {
        CommandLine line = CommandLine.parse("run", args, Set.of("config"), Set.of());
        Path configFile = Path.of(line.required("config"));
        CollectorConfig config;
        try {
            config = ConfigLoader.load(configFile, env);
        } catch (ConfigException e) {
            err.println("run: " + configFile + " is not a valid configuration:");
            e.problems().forEach(p -> err.println("  " + p));
            return Main.USAGE_ERROR;
        }
        CollectorEncryption encryption;
        try {
            encryption = CollectorEncryption.open(config.encryption(), env, new SecureRandom());
        } catch (CryptoException e) {
            err.println("run: cannot open the collector's encryption keys: " + e.getMessage());
            return 1;
        }
        CollectorIdentity identity;
        try {
            identity = encryption.enabled()
                    ? IdentityFile.readAndSeal(config.identityFile(), encryption.sealingKeys())
                    : IdentityFile.read(config.identityFile(), encryption.openingKeys());
        } catch (IOException e) {
            encryption.close();
            err.println("run: " + e.getMessage());
            return 1;
        }
        URI server = config.serverUrl() != null ? config.serverUrl() : URI.create(identity.serverUrl());
        if ("http".equals(server.getScheme())) {
            LOG.warn("the server URL {} is plain http: batches and the credential travel unencrypted", server);
        }
        CollectorAgent agent;
        try {
            agent = CollectorAgent.start(config, encryption, identity, server, env, version, hostname(), Clock.systemUTC());
        } catch (IOException | UncheckedIOException e) {
            err.println("run: cannot start: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(() -> {
            agent.close();
            ShutdownLogManager.resetFinally();
        }));
        agent.awaitStop();
        return 0;
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}

package io.pganalytics.collector.crypto;

import io.pganalytics.collector.cli.CommandLine;
import io.pganalytics.collector.cli.UsageException;
import io.pganalytics.collector.config.CollectorConfig;
import io.pganalytics.collector.config.ConfigException;
import io.pganalytics.collector.config.ConfigLoader;
import io.pganalytics.collector.ship.Quarantine;
import io.pganalytics.common.crypto.CryptoException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code keys status|rotate --config FILE}: the collector's key-encryption key versions and data keys. */
public final class KeysCommand {
    public static final String USAGE = """
            keys status|rotate|open-quarantined --config FILE [--file QUARANTINED]
              status: the key store, its key-encryption key versions and the data keys (which one seals new records).
              open-quarantined: writes the gzip JSON of a sealed quarantined batch (*.json.gz.sealed) to standard
              output (pipe it to zcat).
              rotate: a new key-encryption key version and a new data key wrapped by it; new spool records and identity
              writes use it at once (a running collector notices it on its next record); records sealed before keep
              opening with their own key and drain as they are shipped. See docs/encryption/collector.md.""";

    private KeysCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err, Map<String, String> env) throws UsageException {
        if (args.isEmpty() || !Set.of("status", "rotate", "open-quarantined").contains(args.getFirst())) {
            throw new UsageException("keys: status, rotate or open-quarantined is required");
        }
        String action = args.getFirst();
        CommandLine line = CommandLine.parse("keys " + action, args.subList(1, args.size()), Set.of("config", "file"), Set.of());
        if (action.equals("open-quarantined") != line.value("file").isPresent()) {
            throw new UsageException("keys: --file goes with open-quarantined, and only with it");
        }
        Path configFile = Path.of(line.required("config"));
        CollectorConfig config;
        try {
            config = ConfigLoader.load(configFile, env);
        } catch (ConfigException e) {
            err.println("keys: " + configFile + " is not a valid configuration:");
            e.problems().forEach(p -> err.println("  " + p));
            return 1;
        }
        try (CollectorKeys keys = CollectorKeys.open(config.encryption(), env, new SecureRandom())) {
            if (action.equals("open-quarantined")) {
                return openQuarantined(keys, line.path("file").orElseThrow(), out, err);
            }
            if (action.equals("rotate")) {
                CollectorKeys.Rotation rotation = keys.rotate();
                out.println("Rotated: key-encryption key version " + rotation.kekVersion() + ", data key " + rotation.dataKeyId()
                        + " seals new records from now on.");
            }
            out.println("key store: " + keys.location() + (config.encryption().enabled() ? "" : " (encryption.enabled is false)"));
            out.println("key-encryption key versions: " + keys.kekVersions());
            for (CollectorKeys.DataKey key : keys.dataKeys()) {
                out.println("data key " + key.id() + ": wrapped by version " + key.kekVersion()
                        + (key.id() == keys.currentDataKeyId() ? " (current)" : ""));
            }
            return 0;
        } catch (CryptoException e) {
            err.println("keys: cannot open the collector's encryption keys: " + e.getMessage());
            return 1;
        }
    }

    private static int openQuarantined(CollectorKeys keys, Path file, PrintStream out, PrintStream err) {
        String name = file.getFileName().toString();
        if (!name.endsWith(Quarantine.SEALED_PAYLOAD_SUFFIX)) {
            err.println("keys: " + file + " is not a sealed quarantined batch (*" + Quarantine.SEALED_PAYLOAD_SUFFIX + ")");
            return 1;
        }
        try {
            byte[] opened = keys.open(CollectorEncryption.quarantineContext(Quarantine.baseName(name)), Files.readAllBytes(file));
            out.write(opened, 0, opened.length);
            out.flush();
            return 0;
        } catch (IOException e) {
            err.println("keys: cannot read " + file + ": " + e.getMessage());
            return 1;
        } catch (CryptoException e) {
            err.println("keys: " + file + " does not open: " + e.getMessage());
            return 1;
        }
    }
}

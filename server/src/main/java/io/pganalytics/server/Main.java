package io.pganalytics.server;

import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.config.ConfigLoader;
import io.pganalytics.server.config.ServerArguments;
import io.pganalytics.server.crypto.KeysCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.logging.LogManager;

/**
 * {@code java -jar pganalytics-server.jar [--config FILE] [--data-dir DIR] [--port N] [--admin-port N]}, or
 * {@code ... audit verify|verify-export} to verify the audit chain ({@link io.pganalytics.server.audit.AuditCommand});
 * {@code ... keys COMMAND} to manage the encryption keys of a running cluster ({@link KeysCommand});
 * {@code ... anomalies backfill|list} to backfill and list anomalies ({@link io.pganalytics.server.anomaly.AnomaliesCommand});
 * {@code ... restore --to latest|TIME --target DIR} to restore the embedded engine's backups offline
 * ({@link io.pganalytics.server.backup.RestoreCommand}).
 * With no database configured, the server runs on an embedded PostgreSQL in its data directory.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", ServerLogManager.class.getName());
        }
        configureLogging();
        if (args.length > 0 && args[0].equals("audit")) {
            System.exit(new io.pganalytics.server.audit.AuditCommand(System.out, System.err).run(List.of(args).subList(1, args.length)));
            return;
        }
        if (args.length > 0 && args[0].equals("keys")) {
            System.exit(new KeysCommand(System.out, System.err, Main::prompt, System.getenv()).run(List.of(args).subList(1, args.length)));
            return;
        }
        if (args.length > 0 && args[0].equals("anomalies")) {
            System.exit(new io.pganalytics.server.anomaly.AnomaliesCommand(System.out, System.err, Main::prompt, System.getenv(),
                    java.time.Clock.systemUTC()).run(List.of(args).subList(1, args.length)));
            return;
        }
        if (args.length > 0 && args[0].equals("restore")) {
            System.exit(new io.pganalytics.server.backup.RestoreCommand(System.out, System.err, System.getenv()).run(List.of(args).subList(1, args.length)));
            return;
        }
        Logger log = LoggerFactory.getLogger(Main.class);
        ServerArguments arguments;
        try {
            arguments = ServerArguments.parse(List.of(args));
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (arguments.help()) {
            System.out.print(ServerArguments.USAGE);
            return;
        }
        PgAnalyticsServer server;
        try {
            server = PgAnalyticsServer.start(
                    ConfigLoader.load(arguments.configFile(), System.getenv(), arguments.overrides()),
                    System.getenv(), Clock.systemUTC());
        } catch (ConfigException e) {
            log.error("start-up stopped: {}", e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            log.error("start-up failed: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("shutdown requested: draining requests");
            server.close();
            stopped.countDown();
            ServerLogManager.finish();
        }, "shutdown"));
        if (arguments.exitWithParent()) {
            exitWithParent(log);
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Ends this JVM (through the shutdown hook: a graceful stop) when the process that started it ends, even by
     * kill -9, so that a tool running the server as its child never leaves it behind.
     */
    private static void exitWithParent(Logger log) {
        ProcessHandle.current().parent().ifPresentOrElse(parent -> parent.onExit().thenRun(() -> {
            log.warn("the parent process {} ended: stopping", parent.pid());
            System.exit(0);
        }), () -> log.warn("--exit-with-parent: this process has no parent to watch"));
    }

    /** Reads a password or code from the terminal without echo; empty without a terminal. */
    private static java.util.Optional<char[]> prompt(String prompt) {
        java.io.Console console = System.console();
        return console == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(console.readPassword("%s", prompt));
    }

    /** One-line log records on standard error, unless the operator passed their own java.util.logging configuration. */
    static void configureLogging() {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return;
        }
        try (InputStream in = Main.class.getResourceAsStream("/logging.properties")) {
            if (in != null) {
                LogManager.getLogManager().readConfiguration(in);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

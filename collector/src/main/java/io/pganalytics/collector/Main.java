package io.pganalytics.collector;

import io.pganalytics.collector.check.CheckCommand;
import io.pganalytics.collector.cli.UsageException;
import io.pganalytics.collector.crypto.KeysCommand;
import io.pganalytics.collector.register.RegisterCommand;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar pganalytics-collector.jar <command> ...}: the agent's commands and nothing else (the demo,
 * the benchmarks and the load generator are in the tools module). The only class that touches System.out/err and
 * System.exit; everything below gets the streams passed in.
 */
public final class Main {
    static final int USAGE_ERROR = 2;
    static final String USAGE = """
            usage: pganalytics-collector <command> [options]

            commands:
            """;

    private Main() {
    }

    public static void main(String[] args) {
        LogDefaults.install();
        int status = execute(List.of(args), System.out, System.err, System.getenv());
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs one command line; returns the exit status (2 for usage errors). */
    static int execute(List<String> args, PrintStream out, PrintStream err, Map<String, String> env) {
        if (args.isEmpty()) {
            err.println("pganalytics-collector: a command is required");
            err.println(help());
            return USAGE_ERROR;
        }
        String command = args.getFirst();
        List<String> rest = args.subList(1, args.size());
        String version = CollectorVersion.current();
        try {
            return switch (command) {
                case "--help", "-h", "help" -> {
                    out.println(help());
                    yield 0;
                }
                case "--version", "version" -> {
                    out.println("pganalytics-collector " + version);
                    yield 0;
                }
                case "run" -> RunCommand.run(rest, err, env, version);
                case "check" -> CheckCommand.run(rest, out, env);
                case "register" -> RegisterCommand.run(rest, out, err, env, version);
                case "keys" -> KeysCommand.run(rest, out, err, env);
                default -> throw new UsageException("unknown command '" + command + "'");
            };
        } catch (UsageException e) {
            err.println("pganalytics-collector: " + e.getMessage());
            err.println("Run 'pganalytics-collector --help' for usage.");
            return USAGE_ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * Ends the process with {@code status}, from a thread of its own: the caller (a supervised thread giving up) returns
     * at once, so that the shutdown hook, which stops the agent and waits for its threads, does not wait for it.
     */
    static void exitProcess(int status) {
        Thread.ofPlatform().name("exit").start(() -> System.exit(status));
    }

    static String help() {
        return USAGE + indent(RunCommand.USAGE) + "\n"
                + indent("check --target postgresql://user@host:port/db [--password-file FILE] [--json]\n"
                + "  Probes a PostgreSQL server and prints, per metric family, what will be collected or what is\n"
                + "  missing and how to fix it; --json prints one snapshot of every family.") + "\n"
                + indent(RegisterCommand.USAGE) + "\n"
                + indent(KeysCommand.USAGE) + "\n"
                + indent("--help       this text\n--version    the collector's release");
    }

    private static String indent(String text) {
        return text.lines().map(l -> "  " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }
}

package io.pganalytics.tools;

import io.pganalytics.collector.LogDefaults;
import io.pganalytics.collector.cli.UsageException;
import io.pganalytics.tools.bench.BackupDrillCommand;
import io.pganalytics.tools.bench.BenchCommand;
import io.pganalytics.tools.bench.CrashDrillCommand;
import io.pganalytics.tools.bench.FailoverCommand;
import io.pganalytics.tools.bench.IncidentSuiteCommand;
import io.pganalytics.tools.bench.SpoolBenchCommand;
import io.pganalytics.tools.demo.DemoCommand;
import io.pganalytics.tools.simulate.SimulateCommand;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar pganalytics-tools.jar <command> ...}: what runs beside the product, never on a database host (the
 * demo, the benchmark harness and drills, the load generator). The only class that touches System.out/err and
 * System.exit; everything below gets the streams passed in.
 */
public final class Main {
    static final int USAGE_ERROR = 2;
    static final String USAGE = """
            usage: pganalytics-tools <command> [options]

            commands:
            """;

    private Main() {
    }

    public static void main(String[] args) {
        // the demo runs an agent in-process: its last log lines need the collector's log manager, as in the agent
        LogDefaults.install();
        int status = execute(List.of(args), System.out, System.err, System.getenv());
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs one command line; returns the exit status (2 for usage errors). */
    static int execute(List<String> args, PrintStream out, PrintStream err, Map<String, String> env) {
        if (args.isEmpty()) {
            err.println("pganalytics-tools: a command is required");
            err.println(help());
            return USAGE_ERROR;
        }
        String command = args.getFirst();
        List<String> rest = args.subList(1, args.size());
        String version = version();
        try {
            return switch (command) {
                case "--help", "-h", "help" -> {
                    out.println(help());
                    yield 0;
                }
                case "--version", "version" -> {
                    out.println("pganalytics-tools " + version);
                    yield 0;
                }
                case "simulate" -> SimulateCommand.run(rest, out, err, env, version);
                case "demo" -> DemoCommand.run(rest, out, err, env, version);
                case "bench" -> BenchCommand.run(rest, out, err, version);
                case "crash-drill" -> CrashDrillCommand.run(rest, out, err, version);
                case "drill-backup" -> BackupDrillCommand.run(rest, out, err, version);
                case "spool-bench" -> SpoolBenchCommand.run(rest, out, err);
                default -> throw new UsageException("unknown command '" + command + "'");
            };
        } catch (UsageException e) {
            err.println("pganalytics-tools: " + e.getMessage());
            err.println("Run 'pganalytics-tools --help' for usage.");
            return USAGE_ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** The release, from the jar manifest ({@code Implementation-Version}); "dev" when run from classes. */
    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null || version.isBlank() ? "dev" : version;
    }

    static String help() {
        return USAGE + indent(SimulateCommand.USAGE) + "\n"
                + indent(DemoCommand.USAGE) + "\n"
                + indent(BenchCommand.USAGE) + "\n"
                + indent(IncidentSuiteCommand.USAGE) + "\n"
                + indent(FailoverCommand.USAGE) + "\n"
                + indent(CrashDrillCommand.USAGE) + "\n"
                + indent(BackupDrillCommand.USAGE) + "\n"
                + indent(SpoolBenchCommand.USAGE) + "\n"
                + indent("--help       this text\n--version    the tools' release");
    }

    private static String indent(String text) {
        return text.lines().map(l -> "  " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }
}

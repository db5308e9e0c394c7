package io.pganalytics.server.db;

import io.pganalytics.server.files.OwnerOnly;
import io.zonky.test.db.postgres.util.LinuxUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One PostgreSQL data directory driven through the binaries' own programs: {@code initdb}, {@code postgres --single},
 * {@code pg_ctl start / stop}. Every program's output goes to {@code <data-dir>/postgres.log} (owner-only); a failure
 * quotes its end. Once started, the server itself logs to {@code <pgdata>/log/}, one file per weekday, overwritten
 * a week later.
 * <p>
 * Public for the backup verification, which starts a restored copy with the same binaries the same way (as root, in a
 * user namespace).
 */
public final class Postmaster {
    private static final Duration PROGRAM_TIMEOUT = Duration.ofMinutes(3);
    private static final Logger LOG = LoggerFactory.getLogger(Postmaster.class);

    private final Path install;
    private final Path pgData;
    private final Map<String, String> environment;
    private final Path log;

    /** @param install the binaries' root (holding {@code bin/}) */
    public Postmaster(Path install, Path pgData, Path log) {
        this(install, pgData, log, Map.of());
    }

    /**
     * As above; {@code environment} is added to the programs' environment (what a restored copy's
     * {@code restore_command} needs, such as pgBackRest's repository passphrase). Never logged.
     */
    public Postmaster(Path install, Path pgData, Path log, Map<String, String> environment) {
        this.install = install;
        this.pgData = pgData;
        this.log = log;
        this.environment = Map.copyOf(environment);
    }

    Path pgData() {
        return pgData;
    }

    boolean initialized() {
        return Files.isRegularFile(pgData.resolve("PG_VERSION"));
    }

    /** A new cluster whose superuser {@code postgres} has {@code password}, password (SCRAM) authentication only. */
    public void initdb(String password) throws IOException {
        OwnerOnly.directory(pgData);
        Path pwFile = pgData.resolveSibling(".initdb-password");
        OwnerOnly.writeString(pwFile, password + "\n");
        try {
            run(List.of(program("initdb"), "-D", pgData.toString(), "-U", "postgres", "-E", "UTF-8",
                    "--auth=scram-sha-256", "--pwfile=" + pwFile), null, "initdb");
        } finally {
            Files.deleteIfExists(pwFile);
        }
    }

    /** Runs SQL in single-user mode: no listener at all, for changes that must be made before anyone can connect. */
    public void singleUser(String sql) throws IOException {
        run(List.of(program("postgres"), "--single", "-D", pgData.toString(), "-c", "log_statement=none", "postgres"),
                sql.strip() + "\n", "postgres --single");
    }

    /** {@code pg_ctl start}, waiting until it accepts connections; {@code settings} are passed as {@code -c name=value}. */
    public void start(int port, Map<String, String> settings, Duration wait) throws IOException {
        StringBuilder options = new StringBuilder("-p ").append(port);
        settings.forEach((name, value) -> options.append(" -c ").append(shellQuoted(name + "=" + value)));
        run(List.of(program("pg_ctl"), "-D", pgData.toString(), "-l", log.toString(), "-o", options.toString(),
                "-w", "-t", Long.toString(wait.toSeconds()), "start"), null, "pg_ctl start", wait.plus(PROGRAM_TIMEOUT));
    }

    /** {@code pg_ctl stop -m mode}, waiting at most {@code wait}; false when it did not stop in time. */
    public boolean stop(String mode, Duration wait) {
        try {
            run(List.of(program("pg_ctl"), "-D", pgData.toString(), "-m", mode, "-w", "-t", Long.toString(wait.toSeconds()), "stop"),
                    null, "pg_ctl stop");
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("embedded PostgreSQL: {}", e.getMessage());
            return false;
        }
    }

    /** The postmaster's process as its {@code postmaster.pid} names it, when that process is alive. */
    public Optional<ProcessHandle> running() {
        return pidFile().flatMap(p -> ProcessHandle.of(p.pid())).filter(ProcessHandle::isAlive);
    }

    /** {@code postmaster.pid}'s first two lines: the process and the data directory it serves. */
    record PidFile(long pid, String dataDirectory) {
    }

    Optional<PidFile> pidFile() {
        try {
            List<String> lines = Files.readAllLines(pgData.resolve("postmaster.pid"));
            return lines.size() < 2 ? Optional.empty() : Optional.of(new PidFile(Long.parseLong(lines.get(0).strip()), lines.get(1).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * A process that sends the postmaster SIGINT (a fast shutdown) as soon as this JVM is gone, however it ended: it
     * waits for the end of its standard input, a pipe only this JVM holds, which the kernel closes when the JVM dies.
     * Empty where there is no POSIX shell.
     */
    static Optional<Process> watchdog(long postmasterPid) {
        if (!Files.isExecutable(Path.of("/bin/sh"))) {
            return Optional.empty();
        }
        try {
            Process process = new ProcessBuilder("/bin/sh", "-c", "read -r ignored; kill -INT \"$1\" 2>/dev/null",
                    "pganalytics-postgres-watchdog", Long.toString(postmasterPid))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return Optional.of(process);
        } catch (IOException e) {
            LOG.warn("embedded PostgreSQL: no watchdog ({}): if this server is killed, its next start stops the PostgreSQL left behind",
                    e.getMessage());
            return Optional.empty();
        }
    }

    private String program(String name) {
        return PostgresBinaries.program(install, name).toString();
    }

    private void run(List<String> program, String input, String what) throws IOException {
        run(program, input, what, PROGRAM_TIMEOUT);
    }

    private void run(List<String> program, String input, String what, Duration timeout) throws IOException {
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            // PostgreSQL refuses to run as root; zonky's way around it: a user namespace in which this uid is unmapped
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(program);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));  // no PGDATA, PGPORT... from outside
        builder.environment().putAll(environment);
        if (!Files.exists(log)) {
            OwnerOnly.writeString(log, "");
        }
        long logBefore = Files.size(log);
        Process process = builder.start();
        try {
            try (OutputStream in = process.getOutputStream()) {
                if (input != null) {
                    in.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(what + " did not finish within " + timeout.toSeconds() + " s; see " + log);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(what + " interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(what + " failed with exit status " + process.exitValue() + " (" + log + "):\n" + tail(logBefore));
        }
    }

    private String tail(long from) {
        try {
            byte[] all = Files.readAllBytes(log);
            int start = (int) Math.max(from, all.length - 4000L);
            return new String(all, start, all.length - start, StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            return "(cannot read " + log + ")";
        }
    }

    private static String shellQuoted(String value) {
        return "'" + value.replace("'", "'\"'\"'") + "'";
    }

    static List<String> describe(ProcessHandle process) {
        List<String> parts = new ArrayList<>();
        ProcessHandle.Info info = process.info();
        parts.add("pid " + process.pid());
        parts.add(info.commandLine().or(info::command).orElse("command unknown"));
        info.user().ifPresent(user -> parts.add("user " + user));
        return parts;
    }
}

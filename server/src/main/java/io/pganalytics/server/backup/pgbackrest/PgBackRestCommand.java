package io.pganalytics.server.backup.pgbackrest;

import io.pganalytics.server.backup.BackupException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one pgBackRest command: {@code <command...> --config=<file> --stanza=<stanza> <options> <name>}, with the
 * repository passphrase in the child's environment only (never on its command line, which {@code ps} shows), a timeout,
 * and bounded output: the whole standard output up to {@link #MAX_OUTPUT} (for {@code info --output=json}), the last
 * {@link #TAIL_LINES} lines of each stream for error messages.
 */
final class PgBackRestCommand {
    static final int MAX_OUTPUT = 64 << 20;
    static final int TAIL_LINES = 20;

    private final List<String> command;
    private final Path configFile;
    private final String stanza;
    private final Map<String, String> environment;
    private final Duration timeout;

    /** @param environment what the child gets beside the server's own environment (the cipher passphrases) */
    PgBackRestCommand(List<String> command, Path configFile, String stanza, Map<String, String> environment, Duration timeout) {
        this.command = List.copyOf(command);
        this.configFile = configFile;
        this.stanza = stanza;
        this.environment = Map.copyOf(environment);
        this.timeout = timeout;
    }

    /** What a command printed; {@code out} is whole only when {@code keepOutput} was asked. */
    record Result(String out, List<String> outTail, List<String> errTail) {
    }

    /** Runs {@code name} and fails with a {@link BackupException} naming it, its exit code and its stderr tail. */
    Result run(String name, List<String> options) {
        return run(name, options, false, line -> {
        });
    }

    /** Runs {@code name} keeping its whole standard output (bounded by {@link #MAX_OUTPUT}). */
    Result output(String name, List<String> options) {
        return run(name, options, true, line -> {
        });
    }

    /** Runs {@code name}, passing each line of its standard output to {@code lines} as it comes. */
    Result run(String name, List<String> options, boolean keepOutput, Consumer<String> lines) {
        List<String> argv = new ArrayList<>(command);
        argv.add("--config=" + configFile);
        argv.add("--stanza=" + stanza);
        // options before the command's name, its arguments (a path for repo-ls) after it
        options.stream().filter(o -> o.startsWith("--")).forEach(argv::add);
        argv.add(name);
        options.stream().filter(o -> !o.startsWith("--")).forEach(argv::add);
        String shown = "pgbackrest " + name + (options.isEmpty() ? "" : " " + String.join(" ", options));
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new BackupException(shown + ": cannot start " + command.getFirst() + " (" + e.getMessage()
                    + "); install pgBackRest (apt-get install pgbackrest) or set backup.pgbackrest.command", e);
        }
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // the child does not read its standard input
        }
        Reader out = new Reader(process.getInputStream(), keepOutput, lines);
        Reader err = new Reader(process.getErrorStream(), false, line -> {
        });
        Thread outThread = Thread.ofVirtual().name("pgbackrest-out").start(out);
        Thread errThread = Thread.ofVirtual().name("pgbackrest-err").start(err);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                throw new BackupException(shown + ": timed out after " + timeout.toSeconds()
                        + " s (backup.pgbackrest.timeout) and was stopped" + tail(err.tail(), out.tail()));
            }
            outThread.join(Duration.ofSeconds(10));
            errThread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new BackupException(shown + ": interrupted", e);
        }
        if (out.overflowed()) {
            throw new BackupException(shown + ": its output passed " + (MAX_OUTPUT >> 20) + " MiB and was not read");
        }
        int exit = process.exitValue();
        if (exit != 0) {
            throw new BackupException(shown + ": exit code " + exit + tail(err.tail(), out.tail()));
        }
        return new Result(out.text(), out.tail(), err.tail());
    }

    private static String tail(List<String> err, List<String> out) {
        List<String> lines = err.isEmpty() ? out.stream().filter(l -> l.contains("ERROR") || l.contains("WARN")).toList() : err;
        if (lines.isEmpty()) {
            lines = out;
        }
        return lines.isEmpty() ? "" : ": " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    }

    /** Reads one stream to its end, keeping a tail of lines and (when asked) the whole text up to the bound. */
    private static final class Reader implements Runnable {
        private final InputStream in;
        private final boolean keep;
        private final Consumer<String> lines;
        private final Deque<String> tail = new ArrayDeque<>();
        private final StringBuilder text = new StringBuilder();
        private volatile boolean overflowed;

        Reader(InputStream in, boolean keep, Consumer<String> lines) {
            this.in = in;
            this.keep = keep;
            this.lines = lines;
        }

        @Override
        public void run() {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    String bounded = line.length() > 2000 ? line.substring(0, 2000) + "..." : line;
                    synchronized (this) {
                        if (keep && !overflowed) {
                            if (text.length() + line.length() + 1 > MAX_OUTPUT) {
                                overflowed = true;
                                text.setLength(0);
                            } else {
                                text.append(line).append('\n');
                            }
                        }
                        tail.addLast(bounded);
                        if (tail.size() > TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                    lines.accept(bounded);
                }
            } catch (IOException e) {
                // the stream closed under us (the child was stopped): its exit code tells why
            }
        }

        synchronized List<String> tail() {
            return List.copyOf(tail);
        }

        synchronized String text() {
            return text.toString();
        }

        boolean overflowed() {
            return overflowed;
        }
    }
}

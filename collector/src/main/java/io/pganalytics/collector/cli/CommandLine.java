package io.pganalytics.collector.cli;

import io.pganalytics.common.units.Durations;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The options of one subcommand, parsed strictly: an unknown option or a missing value is a usage error. */
public final class CommandLine {
    private final String command;
    private final Map<String, String> values;

    private CommandLine(String command, Map<String, String> values) {
        this.command = command;
        this.values = values;
    }

    /**
     * @param valueOptions options that take a value (without the leading dashes)
     * @param flags        options that take none
     */
    public static CommandLine parse(String command, List<String> args, Set<String> valueOptions, Set<String> flags)
            throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new UsageException(command + ": unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new UsageException(command + ": --" + name + " takes no value");
                }
                values.put(name, "true");
            } else if (valueOptions.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                        throw new UsageException(command + ": --" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                if (values.containsKey(name)) {
                    throw new UsageException(command + ": --" + name + " is given twice");
                }
                values.put(name, value);
            } else {
                throw new UsageException(command + ": unknown option --" + name);
            }
        }
        return new CommandLine(command, values);
    }

    public Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    public String required(String name) throws UsageException {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw new UsageException(command + ": --" + name + " is required");
        }
        return value;
    }

    public boolean flag(String name) {
        return values.containsKey(name);
    }

    public Optional<Path> path(String name) {
        return value(name).map(Path::of);
    }

    public int integer(String name, int fallback, int min, int max) throws UsageException {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new UsageException(command + ": --" + name + " must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be a whole number, got '" + text + "'");
        }
    }

    /** A positive duration in the product's one grammar ({@link Durations}: 500ms, 10s, 5m, 2h, 1d, PT15M; a bare number is seconds). */
    public Duration duration(String name, Duration fallback) throws UsageException {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        Duration value;
        try {
            value = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(command + ": --" + name + ": " + e.getMessage());
        }
        if (value.isZero()) {
            throw new UsageException(command + ": --" + name + " must be positive");
        }
        return value;
    }
}

package io.pganalytics.collector.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The options of one subcommand, parsed strictly: an unknown option or a missing value is a usage error. */
public final class CommandLine {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

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

    /** A duration such as {@code 10s}, {@code 500ms}, {@code 5m}; a bare number is seconds. */
    public Duration duration(String name, Duration fallback) throws UsageException {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new UsageException(command + ": --" + name + " must be a duration such as 10s, 500ms or 5m, got '" + text + "'");
        }
        long amount = Long.parseLong(m.group(1));
        Duration value = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
        if (value.isZero()) {
            throw new UsageException(command + ": --" + name + " must be positive");
        }
        return value;
    }
}

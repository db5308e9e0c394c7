package io.pganalytics.server.config;

/** A configuration value that is missing, malformed or contradicts another: stops start-up, naming the key. */
public final class ConfigException extends RuntimeException {
    private final String key;
    private final String problem;

    public ConfigException(String key, String problem) {
        super("configuration key '" + key + "': " + problem);
        this.key = key;
        this.problem = problem;
    }

    private ConfigException(String key, String message, boolean whole) {
        super(message);
        this.key = key;
        this.problem = message;
    }

    /** The file as a whole cannot be read (its syntax, a repeated key); the key is {@code --config}. */
    public static ConfigException file(java.nio.file.Path file, String problem) {
        return new ConfigException("--config", "configuration file " + file + ": " + problem, true);
    }

    public String key() {
        return key;
    }

    /** What is wrong with the key's value, without the key. */
    public String problem() {
        return problem;
    }
}

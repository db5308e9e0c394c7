package io.pganalytics.server.config;

/** A configuration value that is missing, malformed or contradicts another: stops start-up, naming the key. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String problem) {
        super("configuration key '" + key + "': " + problem);
        this.key = key;
    }

    private ConfigException(String key, String message, boolean whole) {
        super(message);
        this.key = key;
    }

    /** The file as a whole cannot be read (its syntax, a repeated key); the key is {@code --config}. */
    public static ConfigException file(java.nio.file.Path file, String problem) {
        return new ConfigException("--config", "configuration file " + file + ": " + problem, true);
    }

    public String key() {
        return key;
    }
}

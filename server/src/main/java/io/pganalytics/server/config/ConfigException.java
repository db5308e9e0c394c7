package io.pganalytics.server.config;

/** A configuration value that is missing, malformed or contradicts another: stops start-up, naming the key. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String problem) {
        super("configuration key '" + key + "': " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}

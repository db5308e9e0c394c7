package io.pganalytics.common.settings;

import java.time.Instant;

/**
 * One effective retention and where it comes from.
 *
 * @param value     the duration in the product's grammar, in its largest whole unit ({@code 14d})
 * @param seconds   the same in seconds
 * @param source    {@link #CONFIGURATION} (the configuration file, or its built-in default), {@link #API} (changed at
 *                  runtime), or {@link #DEFAULTS} (a family's level that follows the level for every family)
 * @param changedBy who changed it through the API (their user name, or their user id once the account is gone); null
 *                  unless the source is {@link #API}
 * @param changedAt when it was changed through the API; null unless the source is {@link #API}
 */
public record RetentionValue(String value, long seconds, String source, String changedBy, Instant changedAt) {
    public static final String CONFIGURATION = "configuration";
    public static final String API = "api";
    public static final String DEFAULTS = "defaults";
}

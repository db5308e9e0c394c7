package io.pganalytics.server.maintenance;

import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.settings.RetentionLevels;
import io.pganalytics.common.settings.RetentionSettings;
import io.pganalytics.common.settings.RetentionUpdate;
import io.pganalytics.common.settings.RetentionValue;
import io.pganalytics.common.settings.RetentionValues;
import io.pganalytics.common.units.Durations;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.Caller;
import io.pganalytics.server.series.SeriesSchema;
import io.pganalytics.server.series.SeriesSchema.Resolution;
import io.pganalytics.server.settings.RuntimeSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Retention changed at runtime: values stored as {@link RuntimeSettings} under {@code maintenance.retention.} and read
 * over the configuration file's by {@link MaintenanceConfig#withRetention} (the very rules and bounds of the file).
 * The retention job reads the effective values at the start of every run, on whichever node holds its lease, so a
 * change applies cluster-wide at the next run. A change is recorded in the audit trail in its own transaction, with
 * the effective values before and after; one that shortens any retention is confirmed first.
 */
final class RuntimeRetention {
    static final String ACTION = "settings.retention.update";
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeRetention.class);
    private static final Pattern FAMILY_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final int MAX_VALUE_LENGTH = 64;

    private final MaintenanceConfig file;
    private final DataSource dataSource;
    private final Clock clock;

    RuntimeRetention(MaintenanceConfig file, DataSource dataSource, Clock clock) {
        this.file = file;
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /**
     * The configuration the next run applies: the file's, with the stored runtime values over it. A stored value the
     * file's rules no longer accept (the file's {@code ingest.max-age} was raised past it) is left out with a warning,
     * so that retention keeps running. Ends the connection's transaction.
     */
    MaintenanceConfig effective(Connection c) throws SQLException {
        Map<String, RuntimeSettings.Stored> stored = RuntimeSettings.read(c, MaintenanceConfig.RETENTION_PREFIX);
        c.commit();
        return lenient(stored);
    }

    private MaintenanceConfig lenient(Map<String, RuntimeSettings.Stored> stored) {
        Map<String, String> values = values(stored);
        try {
            return file.withRetention(values);
        } catch (ConfigException e) {
            Map<String, String> kept = new TreeMap<>();
            for (Map.Entry<String, String> value : values.entrySet()) {
                Map<String, String> trial = new TreeMap<>(kept);
                trial.put(value.getKey(), value.getValue());
                try {
                    file.withRetention(trial);
                    kept.put(value.getKey(), value.getValue());
                } catch (ConfigException refused) {
                    LOG.warn("retention: the value changed at runtime is not applied: {}; change it again (GET/PUT /admin/settings/retention)",
                            refused.getMessage());
                }
            }
            return file.withRetention(kept);
        }
    }

    /** The effective retention and where each value comes from. */
    RetentionSettings view() {
        try (Connection c = dataSource.getConnection()) {
            Map<String, RuntimeSettings.Stored> stored = RuntimeSettings.read(c, MaintenanceConfig.RETENTION_PREFIX);
            c.rollback();
            return view(lenient(stored), stored);
        } catch (SQLException e) {
            throw new IllegalStateException("retention settings: cannot read them: " + e.getMessage(), e);
        }
    }

    /**
     * Applies a change in one transaction under the settings' lock: checks it by the configuration's rules (400 naming
     * the field, nothing changed), asks {@code confirm} with a summary of what will be deleted when it shortens any
     * retention (which throws unless the request carries the confirmation), writes it, and appends the audit record
     * last, so that both commit together or neither does.
     *
     * @param confirm the two-step confirmation of this request: returns when confirmed, throws otherwise
     */
    RetentionSettings update(RetentionUpdate update, Caller caller, AuditEvent.Actor actor, AuditLog audit, Consumer<String> confirm) {
        Map<String, String> changes = changes(update);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                RuntimeSettings.lock(c, MaintenanceConfig.RETENTION_PREFIX);
                Map<String, RuntimeSettings.Stored> stored = RuntimeSettings.read(c, MaintenanceConfig.RETENTION_PREFIX);
                MaintenanceConfig before = lenient(stored);
                Map<String, String> values = values(stored);
                changes.forEach((key, value) -> {
                    if (value == null) {
                        values.remove(key);
                    } else {
                        values.put(key, value);
                    }
                });
                MaintenanceConfig after = checked(values);
                List<String> shortened = shortened(before, after);
                if (!shortened.isEmpty()) {
                    confirm.accept(String.join("; ", shortened) + ".");
                }
                Instant now = clock.instant();
                for (Map.Entry<String, String> change : changes.entrySet()) {
                    String name = MaintenanceConfig.RETENTION_PREFIX + change.getKey();
                    if (change.getValue() == null) {
                        RuntimeSettings.remove(c, name);
                    } else {
                        RuntimeSettings.put(c, name, change.getValue(), now, caller.id());
                    }
                }
                AuditEvent event = AuditEvent.change(ACTION, "settings", "retention").actor(actor)
                        .change(levels(before, changes.keySet()), levels(after, changes.keySet()));
                if (!shortened.isEmpty()) {
                    event.detail("deletes", shortened);
                }
                audit.append(c, event);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            return view();
        } catch (SQLException e) {
            throw new IllegalStateException("retention settings: cannot change them: " + e.getMessage(), e);
        }
    }

    /**
     * The request as setting keys relative to {@code maintenance.retention.} ({@code raw}, {@code families.statements.raw}),
     * each with its value in canonical form, or null to drop the runtime value. Values are only looked at here; the
     * configuration's rules check them in {@link #checked}.
     */
    private static Map<String, String> changes(RetentionUpdate update) {
        if (update == null) {
            throw ApiException.malformed("a body is required: {\"defaults\": {\"raw\": \"7d\"}, \"families\": {...}}");
        }
        Map<String, String> changes = new TreeMap<>();
        add(changes, "", "defaults.", update.defaults());
        for (Map.Entry<String, RetentionLevels> family : update.families().entrySet()) {
            String name = family.getKey();
            if (!FAMILY_NAME.matcher(name).matches()) {
                throw ApiException.invalid("families." + abbreviate(name), "not a metric family name");
            }
            if (family.getValue() == null) {
                throw ApiException.invalid("families." + name, "give the levels to change ({\"raw\": \"7d\"})");
            }
            add(changes, "families." + name + ".", "families." + name + ".", family.getValue());
        }
        if (changes.isEmpty()) {
            throw ApiException.invalid("defaults", "nothing to change: give at least one of raw, minute, hour");
        }
        return changes;
    }

    private static void add(Map<String, String> changes, String keyPrefix, String fieldPrefix, RetentionLevels levels) {
        if (levels == null) {
            return;
        }
        add(changes, keyPrefix + "raw", fieldPrefix + "raw", levels.raw());
        add(changes, keyPrefix + "minute", fieldPrefix + "minute", levels.minute());
        add(changes, keyPrefix + "hour", fieldPrefix + "hour", levels.hour());
    }

    private static void add(Map<String, String> changes, String key, String field, String value) {
        if (value == null) {
            return;
        }
        String text = value.strip();
        if (text.equalsIgnoreCase(RetentionLevels.CONFIGURATION)) {
            changes.put(key, null);
            return;
        }
        if (text.isEmpty() || text.length() > MAX_VALUE_LENGTH) {
            throw ApiException.invalid(field, "a duration is required (" + Durations.EXAMPLES + "), or '"
                    + RetentionLevels.CONFIGURATION + "' for the configuration file's value");
        }
        try {
            changes.put(key, Durations.format(Durations.parse(text)));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(field, e.getMessage());
        }
    }

    /** The configuration with {@code values} over the file's, or 400 naming the request's field. */
    private MaintenanceConfig checked(Map<String, String> values) {
        try {
            return file.withRetention(values);
        } catch (ConfigException e) {
            String key = e.key().startsWith(MaintenanceConfig.RETENTION_PREFIX)
                    ? e.key().substring(MaintenanceConfig.RETENTION_PREFIX.length()) : e.key();
            throw ApiException.invalid(field(key), e.problem());
        }
    }

    /** The request's field of a setting key: {@code raw} is {@code defaults.raw}; family keys are the same. */
    private static String field(String key) {
        return key.startsWith("families.") ? key : "defaults." + key;
    }

    /**
     * One sentence per resolution and change that deletes data, naming the families it deletes from: every family, every
     * family except a few, or the few.
     */
    private static List<String> shortened(MaintenanceConfig before, MaintenanceConfig after) {
        Map<String, List<String>> families = new LinkedHashMap<>();
        Map<Resolution, List<String>> tables = new java.util.EnumMap<>(Resolution.class);
        for (Family family : families()) {
            for (Resolution resolution : resolutions(family)) {
                tables.computeIfAbsent(resolution, r -> new ArrayList<>()).add(family.name());
                Duration was = before.retentionOf(family).of(resolution);
                Duration is = after.retentionOf(family).of(resolution);
                if (is.compareTo(was) < 0) {
                    String what = noun(resolution) + " older than " + human(is) + " (now " + human(was) + ")";
                    families.computeIfAbsent(resolution.name() + "\n" + what, k -> new ArrayList<>()).add(family.name());
                }
            }
        }
        List<String> sentences = new ArrayList<>();
        families.forEach((key, names) -> {
            Resolution resolution = Resolution.valueOf(key.substring(0, key.indexOf('\n')));
            List<String> others = new ArrayList<>(tables.get(resolution));
            others.removeAll(names);
            String of = others.isEmpty() ? "of every family"
                    : others.size() < names.size() ? "of every family except " + String.join(", ", others)
                    : "of " + String.join(", ", names);
            sentences.add(key.substring(key.indexOf('\n') + 1) + " " + of + " will be deleted at the next retention run");
        });
        return sentences;
    }

    /** The effective values of the changed keys, by the request's field names: what the audit record shows. */
    private static Map<String, Object> levels(MaintenanceConfig config, java.util.Set<String> keys) {
        Map<String, Object> values = new TreeMap<>();
        for (String key : keys) {
            String[] parts = key.split("\\.");
            Resolution resolution = Resolution.valueOf(parts[parts.length - 1].toUpperCase(Locale.ROOT));
            MaintenanceConfig.Retention retention = parts.length == 1 ? config.retention()
                    : config.retentionOf(MetricCatalog.byName(parts[1]).orElseThrow());
            values.put(field(key), Durations.format(retention.of(resolution)));
        }
        return values;
    }

    private RetentionSettings view(MaintenanceConfig effective, Map<String, RuntimeSettings.Stored> stored) {
        RetentionValues defaults = new RetentionValues(
                value(effective.retention().raw(), "raw", stored, false),
                value(effective.retention().minute(), "minute", stored, false),
                value(effective.retention().hour(), "hour", stored, false));
        Map<String, RetentionValues> families = new TreeMap<>();
        for (Family family : families()) {
            MaintenanceConfig.Retention retention = effective.retentionOf(family);
            String prefix = "families." + family.name() + ".";
            boolean rollups = SeriesSchema.hasRollups(family);
            families.put(family.name(), new RetentionValues(
                    value(retention.raw(), prefix + "raw", stored, true),
                    rollups ? value(retention.minute(), prefix + "minute", stored, true) : null,
                    rollups ? value(retention.hour(), prefix + "hour", stored, true) : null));
        }
        return new RetentionSettings(defaults, families);
    }

    private RetentionValue value(Duration value, String key, Map<String, RuntimeSettings.Stored> stored, boolean family) {
        RuntimeSettings.Stored changed = stored.get(key);
        if (changed != null) {
            String by = changed.changedByName() != null ? changed.changedByName() : "user " + changed.changedBy();
            return new RetentionValue(Durations.format(value), value.toSeconds(), RetentionValue.API, by, changed.changedAt());
        }
        String source = !family || file.retentionFile().containsKey(key) ? RetentionValue.CONFIGURATION : RetentionValue.DEFAULTS;
        return new RetentionValue(Durations.format(value), value.toSeconds(), source, null, null);
    }

    private static Map<String, String> values(Map<String, RuntimeSettings.Stored> stored) {
        Map<String, String> values = new TreeMap<>();
        stored.forEach((key, value) -> values.put(key, value.value()));
        return values;
    }

    /** Every family with tables of its own. */
    private static List<Family> families() {
        return MetricCatalog.ALL.stream().filter(family -> family != MetricCatalog.STATEMENT_TEXTS).toList();
    }

    private static List<Resolution> resolutions(Family family) {
        return SeriesSchema.hasRollups(family) ? List.of(Resolution.values()) : List.of(Resolution.RAW);
    }

    private static String noun(Resolution resolution) {
        return switch (resolution) {
            case RAW -> "Raw samples";
            case MINUTE -> "1-minute rollups";
            case HOUR -> "1-hour rollups";
        };
    }

    /** {@code 7 days}, {@code 1 day}, {@code 36 hours}: for the sentence a person confirms. */
    static String human(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds % 86_400 == 0) {
            long days = seconds / 86_400;
            return days + (days == 1 ? " day" : " days");
        }
        if (seconds % 3_600 == 0) {
            long hours = seconds / 3_600;
            return hours + (hours == 1 ? " hour" : " hours");
        }
        return Durations.format(duration);
    }

    private static String abbreviate(String text) {
        String clean = text.replaceAll("[^A-Za-z0-9_.-]", "?");
        return clean.length() > 64 ? clean.substring(0, 64) + "..." : clean;
    }
}

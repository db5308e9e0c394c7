package io.pganalytics.server.backup;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.pganalytics.common.backup.BackupSettings;
import io.pganalytics.common.units.Durations;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.Caller;
import io.pganalytics.server.settings.RuntimeSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The schedule and retention changed at runtime: {@link RuntimeSettings} rows under {@code backup.schedule.}, read over
 * the configuration file's values by the very rules and bounds of {@link BackupConfig} ({@link #effective()}). The
 * scheduler reads the effective values at every tick on whichever node holds its lease, so a change made on any node
 * applies cluster-wide at once. A change is audited in its own transaction with the values before and after; one that
 * lowers retention (fewer full backups, or a shorter age) is confirmed first, since the next expiry deletes backups.
 */
public final class BackupSettingsStore {
    public static final String PREFIX = "backup.schedule.";
    static final String ACTION = "settings.backup.update";
    static final String FULL_EVERY = "full-every";
    static final String FULL_AT = "full-at";
    static final String DIFFERENTIAL_EVERY = "differential-every";
    static final String CHAIN_VERIFY_EVERY = "chain-verify-every";
    static final String RETAIN_FULL = "retain-full";
    static final String RETAIN_FOR = "retain-for";
    private static final int MAX_VALUE_LENGTH = 64;
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");
    private static final Logger LOG = LoggerFactory.getLogger(BackupSettingsStore.class);

    private final BackupConfig.Schedule file;
    private final DataSource dataSource;
    private final Clock clock;

    public BackupSettingsStore(BackupConfig.Schedule file, DataSource dataSource, Clock clock) {
        this.file = file;
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** The schedule in force: the file's with the values changed at runtime over it. */
    public BackupConfig.Schedule effective() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return lenient(values(RuntimeSettings.read(c, PREFIX)));
        } catch (SQLException e) {
            throw new IllegalStateException("backup settings: cannot read them: " + e.getMessage(), e);
        }
    }

    /** The schedule in force as the API shows it. */
    public BackupSettings view() {
        return view(effective());
    }

    static BackupSettings view(BackupConfig.Schedule schedule) {
        return new BackupSettings(Durations.format(schedule.fullEvery()), schedule.fullAt().format(HH_MM),
                schedule.differentialEvery().map(Durations::format).orElse(BackupSettings.OFF), Durations.format(schedule.chainVerifyEvery()),
                schedule.retainFull(), Durations.format(schedule.retainFor()));
    }

    /**
     * Applies a change in one transaction under the settings' lock: checks it by the configuration's rules (400 naming
     * the field, nothing changed), asks {@code confirm} when it lowers retention (which throws unless the request
     * carries the confirmation), writes it and appends the audit record, so that both commit together or neither does.
     *
     * @param differentialAllowed false when the engine takes full backups only: a differential schedule is refused
     */
    public BackupSettings update(BackupSettings update, boolean differentialAllowed, Caller caller, AuditEvent.Actor actor, AuditLog audit,
                                 Consumer<String> confirm) {
        Map<String, String> changes = changes(update, differentialAllowed);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                RuntimeSettings.lock(c, PREFIX);
                Map<String, String> values = values(RuntimeSettings.read(c, PREFIX));
                BackupConfig.Schedule before = lenient(values);
                values.putAll(changes);
                BackupConfig.Schedule after = checked(values);
                List<String> lowered = lowered(before, after);
                if (!lowered.isEmpty()) {
                    confirm.accept(String.join("; ", lowered) + ".");
                }
                Instant now = clock.instant();
                for (Map.Entry<String, String> change : changes.entrySet()) {
                    RuntimeSettings.put(c, PREFIX + change.getKey(), change.getValue(), now, caller.id());
                }
                AuditEvent event = AuditEvent.change(ACTION, "settings", "backup").actor(actor)
                        .change(asMap(view(before)), asMap(view(after)));
                if (!lowered.isEmpty()) {
                    event.detail("deletes", lowered);
                }
                audit.append(c, event);
                c.commit();
                return view(after);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("backup settings: cannot change them: " + e.getMessage(), e);
        }
    }

    /** The request's fields as setting keys with canonical values; a null field is left as it is. */
    private static Map<String, String> changes(BackupSettings update, boolean differentialAllowed) {
        if (update == null) {
            throw ApiException.malformed("a body is required: {\"fullEvery\": \"1d\", \"fullAt\": \"01:00\", \"retainFull\": 7, ...}");
        }
        Map<String, String> changes = new TreeMap<>();
        duration(changes, FULL_EVERY, "fullEvery", update.fullEvery());
        if (update.fullAt() != null) {
            String text = text("fullAt", update.fullAt());
            try {
                changes.put(FULL_AT, LocalTime.parse(text).format(HH_MM));
            } catch (DateTimeParseException e) {
                throw ApiException.invalid("fullAt", "'" + text + "' is not a time of day (HH:mm, UTC)");
            }
        }
        if (update.differentialEvery() != null) {
            String text = text("differentialEvery", update.differentialEvery());
            if (text.equalsIgnoreCase(BackupSettings.OFF)) {
                changes.put(DIFFERENTIAL_EVERY, BackupSettings.OFF);
            } else if (!differentialAllowed) {
                throw ApiException.invalid("differentialEvery", "this engine takes full backups only (WAL is archived continuously between them): "
                        + "differential backups need pgBackRest; use 'off'");
            } else {
                duration(changes, DIFFERENTIAL_EVERY, "differentialEvery", text);
            }
        }
        duration(changes, CHAIN_VERIFY_EVERY, "chainVerifyEvery", update.chainVerifyEvery());
        if (update.retainFull() != null) {
            changes.put(RETAIN_FULL, Integer.toString(update.retainFull()));
        }
        duration(changes, RETAIN_FOR, "retainFor", update.retainFor());
        if (changes.isEmpty()) {
            throw ApiException.invalid("fullEvery", "nothing to change: give at least one of fullEvery, fullAt, differentialEvery, "
                    + "chainVerifyEvery, retainFull, retainFor");
        }
        return changes;
    }

    private static void duration(Map<String, String> changes, String key, String field, String value) {
        if (value == null) {
            return;
        }
        try {
            changes.put(key, Durations.format(Durations.parse(text(field, value))));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(field, e.getMessage());
        }
    }

    private static String text(String field, String value) {
        String text = value.strip();
        if (text.isEmpty() || text.length() > MAX_VALUE_LENGTH) {
            throw ApiException.invalid(field, "a value of 1 to " + MAX_VALUE_LENGTH + " characters is required");
        }
        return text;
    }

    /** The schedule with {@code values} over the file's, or 400 naming the request's field. */
    private BackupConfig.Schedule checked(Map<String, String> values) {
        try {
            return read(values);
        } catch (ConfigException e) {
            String key = e.key().startsWith(PREFIX) ? e.key().substring(PREFIX.length()) : e.key();
            throw ApiException.invalid(field(key), e.problem());
        }
    }

    /** As {@link #checked}, leaving out (with a warning) a stored value the rules no longer accept. */
    private BackupConfig.Schedule lenient(Map<String, String> values) {
        try {
            return read(values);
        } catch (ConfigException e) {
            Map<String, String> kept = new TreeMap<>();
            for (Map.Entry<String, String> value : values.entrySet()) {
                Map<String, String> trial = new TreeMap<>(kept);
                trial.put(value.getKey(), value.getValue());
                try {
                    read(trial);
                    kept.put(value.getKey(), value.getValue());
                } catch (ConfigException refused) {
                    LOG.warn("backup schedule: the value changed at runtime is not applied: {}; change it again (PUT /api/v1/backups/settings)",
                            refused.getMessage());
                }
            }
            return read(kept);
        }
    }

    /** The file's schedule as setting values, with {@code overrides} over it, read by {@link BackupConfig}'s rules. */
    private BackupConfig.Schedule read(Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>();
        merged.put(PREFIX + FULL_EVERY, Durations.format(file.fullEvery()));
        merged.put(PREFIX + FULL_AT, file.fullAt().format(HH_MM));
        merged.put(PREFIX + DIFFERENTIAL_EVERY, file.differentialEvery().map(Durations::format).orElse(BackupSettings.OFF));
        merged.put(PREFIX + CHAIN_VERIFY_EVERY, Durations.format(file.chainVerifyEvery()));
        merged.put(PREFIX + RETAIN_FULL, Integer.toString(file.retainFull()));
        merged.put(PREFIX + RETAIN_FOR, Durations.format(file.retainFor()));
        merged.put(PREFIX + "first-delay", Durations.format(file.firstDelay()));
        overrides.forEach((key, value) -> merged.put(PREFIX + key, value));
        return BackupConfig.schedule(Config.just(ConfigSources.create(merged)).get("backup.schedule"));
    }

    private static String field(String key) {
        return switch (key) {
            case FULL_EVERY -> "fullEvery";
            case FULL_AT -> "fullAt";
            case DIFFERENTIAL_EVERY -> "differentialEvery";
            case CHAIN_VERIFY_EVERY -> "chainVerifyEvery";
            case RETAIN_FULL -> "retainFull";
            case RETAIN_FOR -> "retainFor";
            default -> key;
        };
    }

    /** One sentence per retention that shrinks: what the next expiry deletes. */
    static List<String> lowered(BackupConfig.Schedule before, BackupConfig.Schedule after) {
        List<String> sentences = new ArrayList<>();
        if (after.retainFull() < before.retainFull()) {
            sentences.add("Full backups beyond the newest " + after.retainFull() + " (now " + before.retainFull()
                    + ") and the WAL only they need will be deleted at the next expiry");
        }
        if (after.retainFor().compareTo(before.retainFor()) < 0) {
            sentences.add("Backups older than " + Durations.format(after.retainFor()) + " (now " + Durations.format(before.retainFor())
                    + ") will be deleted at the next expiry, keeping at least " + after.retainFull() + " full backups");
        }
        return sentences;
    }

    private static Map<String, Object> asMap(BackupSettings settings) {
        Map<String, Object> map = new TreeMap<>();
        map.put("fullEvery", settings.fullEvery());
        map.put("fullAt", settings.fullAt());
        map.put("differentialEvery", settings.differentialEvery());
        map.put("chainVerifyEvery", settings.chainVerifyEvery());
        map.put("retainFull", settings.retainFull());
        map.put("retainFor", settings.retainFor());
        return map;
    }

    private static Map<String, String> values(Map<String, RuntimeSettings.Stored> stored) {
        Map<String, String> values = new TreeMap<>();
        stored.forEach((key, value) -> values.put(key, value.value()));
        return values;
    }
}

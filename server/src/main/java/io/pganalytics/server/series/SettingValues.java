package io.pganalytics.server.series;

import io.pganalytics.server.crypto.SealedColumn;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Where settings values may be sealed ({@code encryption.settings}): {@code ts.settings.setting_sealed}, bound to the
 * row's key {@code instance_id:name@collected_at} (the time as {@code yyyyMMddTHHmmss.micros} in UTC: a value cannot be
 * moved to another instance, setting or snapshot, and the key is unique, as the re-wrap job's cursor needs). Some values carry secrets or personal data (a {@code primary_conninfo} with its
 * password, an {@code archive_command}). A row holds its value either as it is ({@code setting}) or sealed
 * ({@code setting_sealed}), never both, so that turning the option on or off never loses a value: ingest writes new
 * rows in the form the option asks for and every reader opens both ({@link #value}).
 */
public final class SettingValues {
    public static final SealedColumn SEALED = new SealedColumn("ts.settings", "setting_sealed",
            "instance_id || ':' || name || '@' || to_char(collected_at AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS.US')",
            "settings values (encryption.settings)");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSSSS").withZone(ZoneOffset.UTC);

    private SettingValues() {
    }

    /**
     * The row key a value of setting {@code name} of instance {@code instanceId} collected at {@code collectedAt} is
     * sealed with; {@code collectedAt} as stored (microseconds: see {@link #stored}).
     */
    public static String rowKey(long instanceId, String name, Instant collectedAt) {
        return instanceId + ":" + name + "@" + TIME.format(collectedAt);
    }

    /** A time as the database stores it (to the microsecond), so that a key computed before the write is the stored one. */
    public static Instant stored(Instant collectedAt) {
        return collectedAt.truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * A row's value: its clear {@code setting}, or its {@code setting_sealed} opened with {@code sealer}; null when it has
     * neither.
     *
     * @throws io.pganalytics.common.crypto.CryptoException naming the row when the sealed value does not open
     * @throws IllegalStateException when a sealed value is found but no sealer was given
     */
    public static String value(long instanceId, String name, Instant collectedAt, String setting, byte[] sealed,
                               io.pganalytics.server.crypto.Sealer sealer) {
        if (sealed == null) {
            return setting;
        }
        if (sealer == null) {
            throw new IllegalStateException("setting " + name + " of instance " + instanceId + " is sealed and no key service was given");
        }
        return sealer.openText(SEALED.context(rowKey(instanceId, name, collectedAt)), sealed);
    }
}

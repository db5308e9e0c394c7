package io.pganalytics.common.keys;

import java.time.Instant;

/**
 * A data key.
 *
 * @param id         the id every value sealed under it names
 * @param state      {@code current}, {@code active} (still opens what it sealed) or {@code retired} (erased)
 * @param kekVersion the key-encryption key version wrapping it
 * @param records    values sealed under it now (database records and node files); it can be retired only at 0
 */
public record DataKeyView(int id, String state, int kekVersion, Instant createdAt, String createdBy, Instant retiredAt, long records) {
}

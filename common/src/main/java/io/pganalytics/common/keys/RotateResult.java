package io.pganalytics.common.keys;

/**
 * What a rotation made current on every node.
 *
 * @param dataKey           the new current data key
 * @param kekVersion        the key-encryption key version wrapping it
 * @param kekVersionCreated whether that version was created by this rotation
 * @param rewrap            the re-wrap run started for the values under older keys
 */
public record RotateResult(int dataKey, int kekVersion, boolean kekVersionCreated, RewrapView rewrap) {
}

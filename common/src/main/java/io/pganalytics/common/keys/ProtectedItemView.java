package io.pganalytics.common.keys;

/**
 * One kind of sealed value.
 *
 * @param protects    what it is, for people ("token-signing private keys")
 * @param where       {@code table.column}, or {@code file <purpose>} for node files
 * @param records     values sealed
 * @param onOlderKeys of those, values under a data key that is not current (what a re-wrap still has to move)
 */
public record ProtectedItemView(String protects, String where, long records, long onOlderKeys) {
}

package io.pganalytics.common.keys;

/**
 * A key-encryption key version.
 *
 * @param version  its number
 * @param current  whether it wraps the current data key
 * @param dataKeys data keys (not retired) it wraps: it can be retired only at 0
 */
public record KekVersionView(int version, boolean current, int dataKeys) {
}

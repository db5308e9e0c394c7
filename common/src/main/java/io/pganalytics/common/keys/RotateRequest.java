package io.pganalytics.common.keys;

/**
 * {@code POST /api/v1/admin/keys/rotate}.
 *
 * @param newKekVersion also create a new key-encryption key version (default true where the provider can): the new
 *                      data key is wrapped by it. False rotates the data key only.
 */
public record RotateRequest(Boolean newKekVersion) {
}

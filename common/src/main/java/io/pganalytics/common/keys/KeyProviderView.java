package io.pganalytics.common.keys;

/**
 * @param kind      {@code keystore}, {@code pkcs11} or {@code aws-kms}
 * @param location  the key store's path, the token's label or the KMS alias prefix and region: never a secret
 * @param canManage whether the server can create and destroy key versions there (a read-only key store cannot)
 */
public record KeyProviderView(String kind, String location, boolean canManage) {
}

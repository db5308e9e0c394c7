package io.pganalytics.common.keys;

import java.util.List;

/**
 * {@code GET /api/v1/admin/keys}: the key-encryption key's provider and versions, the data keys, what is sealed under
 * each, and the re-wrap job's progress.
 *
 * @param provider          where the key-encryption key lives
 * @param currentDataKey    the data key sealing new values
 * @param currentKekVersion the key-encryption key version wrapping it
 * @param kekVersions       every version the provider holds, ascending
 * @param dataKeys          every data key, newest first (retired ones included, as a record)
 * @param protectedItems    each kind of sealed value: where it is, how many, and how many are still under older keys
 * @param rewrap            the re-wrap job's last or current run
 */
public record KeyStatus(KeyProviderView provider, int currentDataKey, int currentKekVersion, List<KekVersionView> kekVersions,
                        List<DataKeyView> dataKeys, List<ProtectedItemView> protectedItems, RewrapView rewrap) {
}

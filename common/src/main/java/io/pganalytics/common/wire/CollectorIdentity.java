package io.pganalytics.common.wire;

/**
 * What registration returns and the collector stores (owner-only) in its identity file.
 * Ingest sends {@code Authorization: Bearer <credential>}.
 *
 * @param collectorId the collector's id on the server
 * @param credential  the secret credential; the server keeps only its hash
 * @param serverUrl   the server the identity belongs to
 */
public record CollectorIdentity(String collectorId, String credential, String serverUrl) {
    @Override
    public String toString() {
        return "CollectorIdentity[collectorId=" + collectorId + ", credential=***, serverUrl=" + serverUrl + "]";
    }
}

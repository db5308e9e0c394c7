package io.pganalytics.common.wire;

/**
 * {@code POST /api/v1/collectors/register}: exchanges an admin-issued one-time token for a collector identity.
 *
 * @param token            the one-time registration token
 * @param name             the collector's display name (defaults to its host name)
 * @param hostname         the host it runs on
 * @param collectorVersion its release
 */
public record RegistrationRequest(String token, String name, String hostname, String collectorVersion) {
    @Override
    public String toString() {
        return "RegistrationRequest[token=***, name=" + name + ", hostname=" + hostname + ", collectorVersion=" + collectorVersion + "]";
    }
}

/**
 * Collector identities: one-time registration tokens issued by admins, the registration that exchanges one for a
 * collector id and credential, the {@link io.pganalytics.server.http.CallerAuthenticator} that checks that credential
 * on collector routes (from a registry cached in Hazelcast, so that the ingest hot path costs one map lookup and one
 * SHA-256), the admins' {@code /collectors} routes, and heartbeats kept in Hazelcast and persisted periodically.
 * <p>
 * The public face is {@link io.pganalytics.server.collectors.CollectorsConfig} and
 * {@link io.pganalytics.server.collectors.CollectorsFeature}; everything else, entities included, stays in this package.
 * ({@code RegistryEntry} and {@code Heartbeat} are public only because
 * Hazelcast instantiates them by name when it reads them: they are Hazelcast {@code DataSerializable}s, never Java
 * serialization.)
 */
package io.pganalytics.server.collectors;

package io.pganalytics.server.auth.provider;

import com.hazelcast.core.HazelcastInstance;

import java.nio.file.Path;
import java.time.Clock;

/**
 * What a provider may use besides its definition.
 *
 * @param hazelcast the cluster (SAML's replay cache of assertion ids, shared by every node)
 * @param clock     the time every check reads
 * @param dataDir   the server's data directory (trust stores given as relative paths resolve against it)
 */
public record ProviderContext(HazelcastInstance hazelcast, Clock clock, Path dataDir) {
}

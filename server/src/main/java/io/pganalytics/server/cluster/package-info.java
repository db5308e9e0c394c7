/**
 * The embedded Hazelcast member every server node runs: whatever several nodes must agree on (sessions and token
 * revocations, idempotency keys, the collector registry, the query cache, rate limits, job leases, live updates)
 * lives in it and nowhere else. Single member by default; a member list or Kubernetes DNS discovery by configuration.
 */
package io.pganalytics.server.cluster;

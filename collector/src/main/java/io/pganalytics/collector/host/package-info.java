/**
 * Host metrics of a target that runs on the collector's own host (localhost, 127.x, ::1 or a socket path):
 * CPU, memory, load, disk I/O and network from /proc, or the proc tree {@code host.proc-root} names (a container
 * reading its node's /proc mounted elsewhere), counters through the delta engine; and the usage of the
 * file system holding the data directory through java.nio's FileStore. A remote target (a managed service) has
 * no host families.
 */
package io.pganalytics.collector.host;

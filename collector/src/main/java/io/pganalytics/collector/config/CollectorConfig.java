package io.pganalytics.collector.config;

import io.pganalytics.collector.crypto.EncryptionSettings;
import io.pganalytics.collector.host.HostSettings;
import io.pganalytics.collector.ship.ServerTls;
import io.pganalytics.collector.ship.ShippingSettings;
import io.pganalytics.collector.spool.BatchSettings;
import io.pganalytics.collector.spool.SpoolSettings;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code run} needs, validated. Built only by {@link ConfigLoader}.
 *
 * @param serverUrl      the server's base URL; null means "the one in the identity file"
 * @param tls            how the server's certificate is trusted
 * @param identityFile   the identity written by {@code register}
 * @param spool          spool directory and bounds
 * @param encryption     whether and with which keys the spool and the identity's credential are sealed
 * @param shipping       retries, timeouts and quarantine bound
 * @param batching       how snapshots are grouped into batches
 * @param threads        collection worker threads (1 to 16)
 * @param healthInterval how often the collector's own health family is emitted
 * @param statementsTopN statements kept per interval (the rest go to the "other" row)
 * @param intervals      per-family interval overrides for every target
 * @param host           where the host families read the kernel's figures
 * @param targets        the monitored instances, at least one
 */
public record CollectorConfig(URI serverUrl,
                              ServerTls tls,
                              Path identityFile,
                              SpoolSettings spool,
                              EncryptionSettings encryption,
                              ShippingSettings shipping,
                              BatchSettings batching,
                              int threads,
                              Duration healthInterval,
                              int statementsTopN,
                              Map<String, Duration> intervals,
                              HostSettings host,
                              List<TargetConfig> targets) {
    public CollectorConfig {
        intervals = Map.copyOf(intervals);
        targets = List.copyOf(targets);
    }

    /** Where the quarantine of refused batches lives: beside the segments, in the spool directory. */
    public Path quarantineDirectory() {
        return spool.directory().resolve("quarantine");
    }
}

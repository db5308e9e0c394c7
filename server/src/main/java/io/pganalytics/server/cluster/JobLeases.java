package io.pganalytics.server.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Leases that let one node of the cluster at a time run a scheduled job (rollups, retention, backups...). A lease is
 * an entry of a Hazelcast map: key the job, value the holder, with a time to live. It is taken with
 * {@code putIfAbsent}, renewed in the background every third of its TTL while the holder's job runs, and removed when
 * the job ends. A holder that dies stops renewing: its lease expires after the TTL (the entry's backup survives the
 * member) and the next node to try takes the job over.
 * <p>
 * The CP subsystem's {@code FencedLock} would need three members; map locks are bound to a thread. Values here are
 * plain Strings and the renewal is {@link DataSerializable}: Java serialization never crosses the cluster.
 */
public final class JobLeases implements AutoCloseable {
    public static final String MAP = "pga.job-leases";
    private static final Logger LOG = LoggerFactory.getLogger(JobLeases.class);

    private final IMap<String, String> leases;
    private final String node;
    private final Duration ttl;
    private final ScheduledExecutorService renewer;

    public JobLeases(HazelcastInstance hazelcast, Duration ttl) {
        if (ttl.toMillis() < 300) {
            throw new IllegalArgumentException("a job lease must live at least 300 ms, not " + ttl);
        }
        this.leases = hazelcast.getMap(MAP);
        this.node = hazelcast.getName();
        this.ttl = ttl;
        this.renewer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pga-lease-renewal-" + node);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Takes the job's lease when no live node holds it; empty when another node (or this one) does. */
    public Optional<Lease> tryAcquire(String job) {
        String holder = node + "/" + UUID.randomUUID();
        if (leases.putIfAbsent(job, holder, ttl.toMillis(), TimeUnit.MILLISECONDS) != null) {
            return Optional.empty();
        }
        Lease lease = new Lease(job, holder);
        long every = Math.max(100, ttl.toMillis() / 3);
        lease.renewal = renewer.scheduleWithFixedDelay(lease::renew, every, every, TimeUnit.MILLISECONDS);
        return Optional.of(lease);
    }

    /** The node holding the job's lease, if any (for logs and tests). */
    public Optional<String> holder(String job) {
        String holder = leases.get(job);
        return holder == null ? Optional.empty() : Optional.of(holder.substring(0, holder.lastIndexOf('/')));
    }

    /** Stops renewing; leases still held expire on their own (their jobs release them when they end). */
    @Override
    public void close() {
        renewer.shutdownNow();
    }

    /** A held lease: renewed until closed, or lost when a renewal finds another holder or the cluster gone. */
    public final class Lease implements AutoCloseable {
        private final String job;
        private final String holder;
        private volatile ScheduledFuture<?> renewal;
        private volatile boolean held = true;

        private Lease(String job, String holder) {
            this.job = job;
            this.holder = holder;
        }

        public String job() {
            return job;
        }

        /** False once a renewal failed: the job should stop at its next step, another node may have taken over. */
        public boolean held() {
            return held;
        }

        private void renew() {
            try {
                if (!Boolean.TRUE.equals(leases.executeOnKey(job, new Renewal(holder, ttl.toMillis())))) {
                    lost("another holder took it after it expired");
                }
            } catch (RuntimeException e) { // the renewal thread's root: a stopped member or a lost connection
                lost(e.toString());
            }
        }

        private void lost(String why) {
            if (held) {
                held = false;
                LOG.warn("job lease {}: lost ({}); the job stops at its next step", job, why);
            }
            renewal.cancel(false);
        }

        /** Releases the lease so that any node may run the job next time. */
        @Override
        public void close() {
            ScheduledFuture<?> r = renewal;
            if (r != null) {
                r.cancel(false);
            }
            if (held) {
                held = false;
                try {
                    leases.remove(job, holder);
                } catch (RuntimeException e) { // the member is stopping: the lease expires on its own
                    LOG.debug("job lease {}: not released ({}); it expires after {}", job, e.toString(), ttl);
                }
            }
        }
    }

    /** Extends the lease's time to live when (and only when) the entry still names this holder. */
    public static final class Renewal implements EntryProcessor<String, String, Boolean>, DataSerializable {
        private String holder;
        private long ttlMillis;

        public Renewal() {
            // for deserialization
        }

        Renewal(String holder, long ttlMillis) {
            this.holder = holder;
            this.ttlMillis = ttlMillis;
        }

        @Override
        public Boolean process(Map.Entry<String, String> entry) {
            if (!holder.equals(entry.getValue())) {
                return false;
            }
            ((ExtendedMapEntry<String, String>) entry).setValue(holder, ttlMillis, TimeUnit.MILLISECONDS);
            return true;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(holder);
            out.writeLong(ttlMillis);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            holder = in.readString();
            ttlMillis = in.readLong();
        }
    }
}

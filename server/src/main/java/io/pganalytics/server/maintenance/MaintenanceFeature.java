package io.pganalytics.server.maintenance;

import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.cluster.JobLeases;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.metrics.MetricsRegistry;
import io.pganalytics.server.series.Partitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The maintenance jobs, wired and scheduled: rollups every {@code maintenance.rollup-interval}, partitions and
 * retention every {@code maintenance.retention-interval}. Every node schedules them; a run goes ahead only on the
 * node that takes the job's lease, so one node at a time does the work and another takes over when it leaves or
 * dies. The {@code run...Once} methods run a job now (under the same lease), for tests with a controllable clock.
 */
public final class MaintenanceFeature implements AutoCloseable {
    static final String ROLLUPS = "rollups";
    static final String RETENTION = "retention";
    private static final String LEASE_PREFIX = "maintenance.";
    private static final long CLOSE_WAIT_SECONDS = 15;
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceFeature.class);

    private final MaintenanceConfig config;
    private final DataSource dataSource;
    private final TimeSeriesDialect dialect;
    private final JobLeases leases;
    private final MaintenanceFigures figures;
    private final RollupJob rollups;
    private final RetentionJob retention;
    private final ScheduledExecutorService scheduler;
    private final RuntimeRetention runtimeRetention;
    private volatile boolean closing;
    /** The TimescaleDB policy statements last applied on this node: applied again when the effective retention changes. */
    private volatile List<String> policiesApplied = List.of();

    public MaintenanceFeature(MaintenanceConfig config, DataSource dataSource, TimeSeriesDialect dialect,
                              HazelcastInstance hazelcast, Clock clock, MetricsRegistry metrics) {
        this(config, dataSource, dialect, hazelcast, clock, metrics, new Partitions());
    }

    /**
     * @param partitions the ingest's partition cache on this node, so that a partition dropped here is created again
     *                   should a row for its period ever arrive
     */
    public MaintenanceFeature(MaintenanceConfig config, DataSource dataSource, TimeSeriesDialect dialect,
                              HazelcastInstance hazelcast, Clock clock, MetricsRegistry metrics, Partitions partitions) {
        this.config = config;
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.leases = new JobLeases(hazelcast, config.leaseTtl());
        this.figures = new MaintenanceFigures(metrics, hazelcast, clock);
        this.rollups = new RollupJob(partitions, config, clock, figures);
        this.retention = new RetentionJob(dialect, partitions, config, clock, figures);
        this.runtimeRetention = new RuntimeRetention(config, dataSource, clock);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pga-maintenance");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Schedules the jobs: the partition and retention job at once, the rollups after one interval. */
    public void start() {
        if (!config.enabled()) {
            LOG.info("maintenance: disabled on this node (maintenance.enabled is false)");
            return;
        }
        scheduler.scheduleWithFixedDelay(() -> scheduled(RETENTION), 0, config.retentionInterval().toMillis(), TimeUnit.MILLISECONDS);
        long every = config.rollupInterval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> scheduled(ROLLUPS), every, every, TimeUnit.MILLISECONDS);
        LOG.info("maintenance: rollups every {}, partitions and retention every {} ({} dialect; one node at a time)",
                dialect == TimeSeriesDialect.PLAIN ? config.rollupInterval() : config.rollupInterval() + " (watermarks of the TimescaleDB continuous aggregates)",
                config.retentionInterval(), dialect.folder());
    }

    /**
     * Runs the rollups once, now, if this node can take their lease; empty when another node holds it. On
     * TimescaleDB the continuous aggregates roll up by themselves: the run only reads how far they are materialised,
     * so that the rollup-lag figures mean the same in both dialects.
     */
    public Optional<RollupReport> runRollupsOnce() throws SQLException {
        Optional<RollupReport> report = dialect == TimeSeriesDialect.PLAIN
                ? underLease(ROLLUPS, rollups::run)
                : underLease(ROLLUPS, (connection, mayContinue) -> new RollupReport(0, 0, Watermarks.timescaleOldest(connection), true));
        report.ifPresent(r -> r.oldestWatermark().forEach(figures::watermark));
        return report;
    }

    /**
     * Runs the partition and retention job once, now, if this node can take its lease; empty when another node holds it.
     * Each run reads the effective retention (the configuration with the values changed at runtime over it), so a change
     * made on any node applies at the next run of whichever node runs it.
     */
    public Optional<RetentionReport> runRetentionOnce() throws SQLException {
        return underLease(RETENTION, (connection, mayContinue) -> {
            MaintenanceConfig effective = runtimeRetention.effective(connection);
            int policies = dialect == TimeSeriesDialect.TIMESCALEDB ? applyTimescalePolicies(connection, effective) : 0;
            return retention.run(connection, effective, mayContinue).withPolicyStatements(policies);
        });
    }

    /**
     * The routes of {@code /admin/settings/retention}: retention read and changed at runtime, audited, a shortening
     * confirmed first.
     */
    public List<ApiService> routes(JsonBodies bodies, Confirmations confirmations, AuditLog audit) {
        return List.of(new RetentionRoutes(runtimeRetention, bodies, confirmations, audit));
    }

    /** A job's body: it checks {@code mayContinue} between steps and stops early once it turns false. */
    private interface Job<R> {
        R run(Connection connection, BooleanSupplier mayContinue) throws SQLException;
    }

    private <R> Optional<R> underLease(String job, Job<R> body) throws SQLException {
        Optional<JobLeases.Lease> lease = leases.tryAcquire(LEASE_PREFIX + job);
        if (lease.isEmpty()) {
            return Optional.empty();
        }
        long start = System.nanoTime();
        boolean succeeded = false;
        try (JobLeases.Lease held = lease.get(); Connection connection = dataSource.getConnection()) {
            R result = body.run(connection, () -> held.held() && !closing);
            succeeded = true;
            return Optional.of(result);
        } finally {
            figures.ran(job, (System.nanoTime() - start) / 1e9, succeeded);
        }
    }

    /**
     * Brings TimescaleDB's retention policies to the effective values, in one transaction: at the node's first run, and
     * again whenever the effective retention changed since; none otherwise.
     */
    private int applyTimescalePolicies(Connection connection, MaintenanceConfig effective) throws SQLException {
        List<String> statements = TimescalePolicies.retentionStatements(effective);
        if (statements.equals(policiesApplied)) {
            return 0;
        }
        try (Statement st = connection.createStatement()) {
            for (String statement : statements) {
                st.execute(statement);
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        }
        policiesApplied = statements;
        LOG.info("maintenance: TimescaleDB retention policies set from maintenance.retention and the values changed at runtime ({} statements)",
                statements.size());
        return statements.size();
    }

    /** A scheduled run: the scheduler thread's root, so every failure is logged here and the schedule goes on. */
    private void scheduled(String job) {
        if (closing) {
            return;
        }
        try {
            if (ROLLUPS.equals(job)) {
                runRollupsOnce();
            } else {
                runRetentionOnce();
            }
        } catch (Exception e) {
            LOG.warn("maintenance job {} failed; it runs again in {}: {}", job,
                    ROLLUPS.equals(job) ? config.rollupInterval() : config.retentionInterval(), e.toString(), e);
        }
    }

    /** Stops scheduling, lets a running job stop at its next step (bounded), and releases the leases. */
    @Override
    public void close() {
        closing = true;
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("maintenance: a job still runs after {} s; interrupting it", CLOSE_WAIT_SECONDS);
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
        leases.close();
    }
}

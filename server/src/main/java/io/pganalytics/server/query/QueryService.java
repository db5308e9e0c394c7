package io.pganalytics.server.query;

import io.pganalytics.common.backup.InstanceArchiving;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.query.ActivitySnapshot;
import io.pganalytics.common.query.DatabaseActivity;
import io.pganalytics.common.query.IndexPage;
import io.pganalytics.common.query.InstanceDetail;
import io.pganalytics.common.query.InstancePage;
import io.pganalytics.common.query.InstanceStatus;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.common.query.QueryDetail;
import io.pganalytics.common.query.QueryStat;
import io.pganalytics.common.query.ReplicationStatus;
import io.pganalytics.common.query.SeriesResponse;
import io.pganalytics.common.query.TablePage;
import io.pganalytics.common.query.TopQueries;
import io.pganalytics.common.query.WaitEvents;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.series.SeriesSchema;
import io.pganalytics.server.series.SeriesSchema.Resolution;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The query API's rules: which resolution and step serve a range, what "latest" means, which instance exists; every
 * answer through the cache, keyed by what was asked.
 */
final class QueryService {
    static final int MAX_SETTINGS = 1000;
    static final int MAX_DATABASES = 1000;

    private final QueryConfig config;
    private final Reads reads;
    private final QueryRepository instances;
    private final StatementRepository statements;
    private final ObjectRepository objects;
    private final StateRepository state;
    private final ArchivingRepository archiving;
    private final QueryCache cache;
    private final RangePlanner planner;
    private final Clock clock;

    QueryService(QueryConfig config, Reads reads, QueryCache cache, RangePlanner planner, Clock clock,
                 io.pganalytics.server.crypto.Sealer sealer) {
        this.config = config;
        this.reads = reads;
        this.instances = new QueryRepository(sealer);
        this.statements = new StatementRepository(sealer);
        this.objects = new ObjectRepository();
        this.state = new StateRepository();
        this.archiving = new ArchivingRepository(ArchivingRules.MIN_STALE_AFTER);
        this.cache = cache;
        this.planner = planner;
        this.clock = clock;
    }

    InstancePage fleet(InstanceStatus status, String search, int offset, int limit) {
        String key = "fleet|" + status + "|" + search + "|" + offset + "|" + limit;
        return cache.get(QueryCache.FLEET, key, InstancePage.class, () -> {
            Instant now = clock.instant();
            QueryRepository.FleetPage page = reads.read("the fleet", c -> instances.fleet(c, now.minus(config.downAfter()),
                    now.minus(config.upWithin()), new QueryRepository.FleetFilter(status, search), offset, limit));
            return new InstancePage(page.items(), page.total(), offset, limit, page.counts(), now);
        });
    }

    InstanceDetail instance(long id) {
        return cache.get(id, "instance", InstanceDetail.class, () -> reads.read("instance " + id, c -> {
            Instant now = clock.instant();
            QueryRepository.InstanceRow row = instances.instance(c, id, now.minus(config.downAfter()), now.minus(config.upWithin()))
                    .orElseThrow(() -> notFound(id));
            QueryRepository.InstanceState latest = instances.instanceState(c, id);
            QueryRepository.Settings settings = instances.settings(c, id, MAX_SETTINGS);
            return new InstanceDetail(row.summary(), row.serverVersionNum(), latest.startTime(), latest.uptimeSeconds(),
                    row.firstSeenAt(), settings.collectedAt(), settings.settings(), instances.databases(c, id, MAX_DATABASES));
        }));
    }

    /** Every instance's WAL archiving, worst first (not cached: a DBA looks here when archiving just broke). */
    List<InstanceArchiving> archiving() {
        return reads.read("the fleet's archiving", c -> ArchivingRules.worstFirst(archiving.archiving(c, null)));
    }

    InstanceArchiving archiving(long id) {
        return reads.read("instance " + id + " archiving", c -> archiving.archiving(c, id).stream().findFirst()
                .orElseThrow(() -> notFound(id)));
    }

    /** Whether the inventory knows the instance (not cached: one index probe). */
    boolean exists(long id) {
        return reads.read("instance " + id, c -> instances.exists(c, id));
    }

    /** The instance's fleet row, for the live stream's first event when the cluster has none. */
    Optional<InstanceSummary> summary(long id) {
        return Optional.of(instance(id).summary());
    }

    SeriesResponse series(long id, String metricName, TimeRange range, Optional<Long> askedStep) {
        SeriesMetric metric = SeriesMetrics.byName(metricName).orElseThrow(() -> ApiException.invalid("metric",
                "unknown metric '" + RangePlanner.abbreviate(metricName) + "'; known metrics: " + String.join(", ", SeriesMetrics.names())));
        Resolution resolution = planner.resolution(range, metric.hasRollups());
        planner.step(range, resolution, metric.family().defaultInterval(), askedStep); // refuses a step too fine first
        String key = "series|" + metric.name() + "|" + range.key() + "|" + askedStep.orElse(0L);
        return cache.get(id, key, SeriesResponse.class, () -> reads.read("series " + metric.name() + " of instance " + id, c -> {
            requireInstance(c, id);
            long step = step(c, id, metric.family(), resolution, range, askedStep);
            return new SeriesResponse(id, metric.name(), metric.unit(), metric.description(), RangePlanner.wireName(resolution),
                    step, range.from(), range.to(), instances.series(c, id, metric, resolution, range, step));
        }));
    }

    TopQueries topQueries(long id, TimeRange range, StatementRepository.Order order, int offset, int limit) {
        Resolution resolution = planner.resolution(range, true);
        String key = "top|" + range.key() + "|" + order + "|" + offset + "|" + limit;
        return cache.get(id, key, TopQueries.class, () -> reads.read("top queries of instance " + id, c -> {
            requireInstance(c, id);
            StatementRepository.TopPage page = statements.top(c, id, resolution, range, order, offset, limit, config.textExcerpt());
            return new TopQueries(id, range.from(), range.to(), RangePlanner.wireName(resolution), order.wireName(), page.total(),
                    offset, limit, page.items(), page.other());
        }));
    }

    QueryDetail query(long id, long queryid, Long dbid, TimeRange range, Optional<Long> askedStep) {
        Resolution resolution = planner.resolution(range, true);
        planner.step(range, resolution, MetricCatalog.STATEMENTS.defaultInterval(), askedStep); // refuses a step too fine first
        String key = "query|" + queryid + "|" + dbid + "|" + range.key() + "|" + askedStep.orElse(0L);
        return cache.get(id, key, QueryDetail.class, () -> reads.read("query " + queryid + " of instance " + id, c -> {
            requireInstance(c, id);
            long step = step(c, id, MetricCatalog.STATEMENTS, resolution, range, askedStep);
            Optional<StatementRepository.Text> text = statements.text(c, id, queryid, dbid);
            Optional<QueryStat> totals = statements.totals(c, id, queryid, dbid, resolution, range, config.textExcerpt());
            if (text.isEmpty() && totals.isEmpty()) {
                throw ApiException.notFound("instance " + id + " has no statement with queryid " + queryid
                        + (dbid == null ? "" : " in database " + dbid) + " in the range " + range.from() + " .. " + range.to());
            }
            String datname = text.map(StatementRepository.Text::datname).orElse(totals.map(QueryStat::datname).orElse(null));
            return new QueryDetail(id, queryid, dbid, datname, text.map(StatementRepository.Text::query).orElse(null),
                    range.from(), range.to(), RangePlanner.wireName(resolution), step, totals.orElse(null),
                    statements.timeline(c, id, queryid, dbid, resolution, range, step));
        }));
    }

    WaitEvents waits(long id, TimeRange range, int limit) {
        Resolution resolution = planner.resolution(range, true);
        String key = "waits|" + range.key() + "|" + limit;
        return cache.get(id, key, WaitEvents.class, () -> reads.read("waits of instance " + id, c -> {
            requireInstance(c, id);
            StatementRepository.Waits waits = statements.waits(c, id, resolution, range, limit);
            return new WaitEvents(id, range.from(), range.to(), RangePlanner.wireName(resolution), waits.sampleCount(), waits.items());
        }));
    }

    TablePage tables(long id, TimeRange range, String database, ObjectRepository.TableOrder order, int offset, int limit) {
        Resolution resolution = planner.resolution(range, SeriesSchema.hasRollups(MetricCatalog.TABLES));
        String key = "tables|" + range.key() + "|" + database + "|" + order + "|" + offset + "|" + limit;
        return cache.get(id, key, TablePage.class, () -> reads.read("tables of instance " + id, c -> {
            requireInstance(c, id);
            ObjectRepository.Page<io.pganalytics.common.query.TableStat> page = objects.tables(c, id, resolution, range,
                    latestFrom(range), database, order, offset, limit);
            return new TablePage(id, range.from(), range.to(), RangePlanner.wireName(resolution), order.wireName(), page.total(),
                    offset, limit, page.items());
        }));
    }

    IndexPage indexes(long id, TimeRange range, String database, boolean unusedOnly, ObjectRepository.IndexOrder order,
                      int offset, int limit) {
        Resolution resolution = planner.resolution(range, SeriesSchema.hasRollups(MetricCatalog.INDEXES));
        String key = "indexes|" + range.key() + "|" + database + "|" + unusedOnly + "|" + order + "|" + offset + "|" + limit;
        return cache.get(id, key, IndexPage.class, () -> reads.read("indexes of instance " + id, c -> {
            requireInstance(c, id);
            ObjectRepository.Page<io.pganalytics.common.query.IndexStat> page = objects.indexes(c, id, resolution, range,
                    latestFrom(range), database, unusedOnly, order, offset, limit);
            return new IndexPage(id, range.from(), range.to(), RangePlanner.wireName(resolution), order.wireName(), page.total(),
                    offset, limit, page.items());
        }));
    }

    ReplicationStatus replication(long id) {
        return cache.get(id, "replication", ReplicationStatus.class, () -> reads.read("replication of instance " + id, c -> {
            String role = instances.role(c, id).orElseThrow(() -> notFound(id)).orElse(null);
            StateRepository.Replication replication = state.replication(c, id);
            return new ReplicationStatus(id, role, replication.collectedAt(), replication.replicas(), replication.slots(),
                    replication.walReceiver());
        }));
    }

    ActivitySnapshot activity(long id) {
        return cache.get(id, "activity", ActivitySnapshot.class, () -> reads.read("activity of instance " + id, c -> {
            requireInstance(c, id);
            StateRepository.Activity activity = state.activity(c, id);
            return new ActivitySnapshot(id, activity.collectedAt(), totals(activity.databases()), activity.databases(),
                    activity.blocked());
        }));
    }

    /**
     * The step of a series or timeline: without {@code step}, raw data is shown at the interval the collector actually
     * used for the family in the range (its configuration may differ from the catalogue's default); rollups at their
     * bucket width or coarser. Always within the maximum number of points.
     */
    private long step(Connection c, long id, Family family, Resolution resolution, TimeRange range, Optional<Long> askedStep)
            throws SQLException {
        Duration interval = family.defaultInterval();
        if (askedStep.isEmpty() && resolution == Resolution.RAW) {
            interval = instances.collectionInterval(c, id, family, range).orElse(interval);
        }
        return planner.step(range, resolution, interval, askedStep);
    }

    /** The latest object snapshot is looked for in the day before the range's end (objects are sampled every 5 minutes). */
    private static Instant latestFrom(TimeRange range) {
        Instant dayBefore = range.to().minus(Duration.ofDays(1));
        return range.from().isAfter(dayBefore) ? range.from() : dayBefore;
    }

    private static DatabaseActivity totals(List<DatabaseActivity> databases) {
        if (databases.isEmpty()) {
            return null;
        }
        long total = 0, active = 0, idle = 0, idleInTransaction = 0, waiting = 0, lockWaiting = 0;
        Double longestTransaction = null, longestQuery = null;
        for (DatabaseActivity d : databases) {
            total += zero(d.total());
            active += zero(d.active());
            idle += zero(d.idle());
            idleInTransaction += zero(d.idleInTransaction());
            waiting += zero(d.waiting());
            lockWaiting += zero(d.lockWaiting());
            longestTransaction = max(longestTransaction, d.longestTransactionSeconds());
            longestQuery = max(longestQuery, d.longestQuerySeconds());
        }
        return new DatabaseActivity("*", total, active, idle, idleInTransaction, waiting, lockWaiting, longestTransaction, longestQuery);
    }

    private static long zero(Long value) {
        return value == null ? 0 : value;
    }

    private static Double max(Double a, Double b) {
        return a == null ? b : b == null ? a : Double.valueOf(Math.max(a, b));
    }

    private void requireInstance(java.sql.Connection c, long id) throws java.sql.SQLException {
        if (!instances.exists(c, id)) {
            throw notFound(id);
        }
    }

    private static ApiException notFound(long id) {
        return ApiException.notFound("no monitored instance with id " + id);
    }
}

package io.pganalytics.collector.catalog;

import io.pganalytics.collector.delta.DeltaTracker;
import io.pganalytics.collector.probe.Capabilities;
import io.pganalytics.collector.target.TargetConnections;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.wire.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A family read by one SQL query per version range, instance-wide or in every database. Counter families go
 * through a {@link DeltaTracker} per database and query variant; gauge families are sent as read.
 */
final class SqlFamilyCollector implements FamilyCollector {
    private static final Logger LOG = LoggerFactory.getLogger(SqlFamilyCollector.class);

    private final Family family;
    private final Lane lane;
    private final List<SqlVariant> variants;
    private final Function<Capabilities, Availability> availability;
    private final Predicate<List<Object>> rowFilter;
    private final Object[] parameters;
    private final Map<String, DeltaTracker> trackers = new HashMap<>();

    SqlFamilyCollector(Family family, Lane lane, List<SqlVariant> variants,
                       Function<Capabilities, Availability> availability, Predicate<List<Object>> rowFilter,
                       Object... parameters) {
        this.family = family;
        this.lane = lane;
        this.variants = List.copyOf(variants);
        this.availability = availability;
        this.rowFilter = rowFilter;
        this.parameters = parameters.clone();
    }

    @Override
    public Family family() {
        return family;
    }

    @Override
    public Lane lane() {
        return lane;
    }

    @Override
    public Availability availability(Capabilities capabilities) {
        if (variant(capabilities) == null) {
            return Availability.no("no query for PostgreSQL " + capabilities.major(), null);
        }
        return availability.apply(capabilities);
    }

    SqlVariant variant(Capabilities capabilities) {
        for (SqlVariant variant : variants) {
            if (variant.fits(capabilities)) {
                return variant;
            }
        }
        return null;
    }

    @Override
    public List<Snapshot> collect(CollectContext context) throws SQLException {
        Capabilities caps = context.capabilities();
        SqlVariant variant = variant(caps);
        Availability available = availability(caps);
        if (variant == null || !available.available()) {
            throw new MissingCapabilityException(family.name() + ": " + available.detail());
        }
        if (lane == Lane.INSTANCE) {
            Instant at = context.clock().instant();
            List<List<Object>> rows = context.connections().onInstance(context.queryTimeout(), context.timer(),
                    session -> session.query(variant.sql(), Snapshots.readTypes(family, variant.markerCount()), parameters));
            return toSnapshots(context, variant, "", at, rows);
        }
        return collectPerDatabase(context, variant);
    }

    private List<Snapshot> collectPerDatabase(CollectContext context, SqlVariant variant) throws SQLException {
        TargetConnections connections = context.connections();
        List<String> databases = connections.onDatabase(connections.spec().database(), context.queryTimeout(),
                context.timer(), session -> Databases.list(session, connections.spec()));
        List<Snapshot> out = new ArrayList<>();
        SQLException firstFailure = null;
        int failures = 0;
        for (String database : databases) {
            Instant at = context.clock().instant();
            try {
                List<List<Object>> rows = connections.onDatabase(database, context.queryTimeout(), context.timer(),
                        session -> session.query(variant.sql(), Snapshots.readTypes(family, variant.markerCount()), parameters));
                out.addAll(toSnapshots(context, variant, database, at, rows));
            } catch (SQLException e) {
                failures++;
                if (firstFailure == null) {
                    firstFailure = e;
                }
                LOG.warn("target {}: family {} in database {} failed: {}", connections.spec().name(), family.name(),
                        database, e.getMessage());
            }
        }
        trackers.keySet().removeIf(key -> databases.stream().noneMatch(db -> key.startsWith(db + "\u0000")));
        if (failures > 0 && failures == databases.size()) {
            throw firstFailure;
        }
        return out;
    }

    private List<Snapshot> toSnapshots(CollectContext context, SqlVariant variant, String database, Instant at,
                                       List<List<Object>> rows) {
        List<List<Object>> kept = rowFilter == null ? rows : rows.stream().filter(rowFilter).toList();
        if (!family.hasCounters()) {
            return List.of(Snapshots.of(context.target(), family, at, null, trim(kept)));
        }
        String key = database + "\u0000" + variants.indexOf(variant);
        DeltaTracker tracker = trackers.computeIfAbsent(key, k -> new DeltaTracker(family, variant.markerCount()));
        DeltaTracker.Delta delta = tracker.next(at, kept);
        if (delta.intervalSeconds() == null) {
            return List.of();
        }
        return List.of(Snapshots.of(context.target(), family, at, delta.intervalSeconds(), delta.rows()));
    }

    private List<List<Object>> trim(List<List<Object>> rows) {
        int width = family.columns().size();
        List<List<Object>> out = new ArrayList<>(rows.size());
        for (List<Object> row : rows) {
            out.add(row.size() == width ? row : row.subList(0, width));
        }
        return out;
    }
}

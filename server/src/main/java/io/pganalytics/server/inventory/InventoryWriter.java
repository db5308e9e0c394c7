package io.pganalytics.server.inventory;

import io.pganalytics.common.wire.TargetRef;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Registers instances and databases as batches arrive, on the ingest's own connection so that the inventory and the
 * rows commit together. One upsert statement for the instances of a whole write (a group of batches) and one for
 * their databases: cheap, and it keeps names, versions and roles current. Rows are upserted in address order, so
 * that two writes sighting the same instances lock their rows in the same order and cannot deadlock.
 * <p>
 * An instance belongs to the collector that first wrote it ({@code collector_id}); the ingest checks
 * {@link #owners} before it writes, and the upsert itself changes an instance only for its owner (or for anyone once
 * the owner was deleted), so that two collectors racing to write one new instance cannot both win.
 */
public final class InventoryWriter {
    private static final Comparator<Address> ADDRESS_ORDER = Comparator.comparing(Address::systemIdentifier)
            .thenComparing(Address::host).thenComparingInt(Address::port);

    /** What identifies an instance in the inventory (the constraint {@code monitored_instance_address}). */
    public record Address(String systemIdentifier, String host, int port) {
        public static Address of(TargetRef target) {
            return new Address(target.systemIdentifier(), target.host(), target.port());
        }
    }

    /** An instance's id and the collector that owns it (null for an instance written before owners were kept). */
    public record Owner(long instanceId, String collectorId) {
    }

    /** SQLState for a write that lost a race for a new instance to another collector: the write is retried alone. */
    public static final String OWNERSHIP_RACE = "40001";

    /** The known instances among {@code addresses}, with their ids and owners. */
    public Map<Address, Owner> owners(Connection connection, Collection<Address> addresses) throws SQLException {
        if (addresses.isEmpty()) {
            return Map.of();
        }
        List<Address> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(addresses));
        try (PreparedStatement ps = connection.prepareStatement("""
                SELECT i.id, i.system_identifier, i.host, i.port, i.collector_id FROM monitored_instance i
                JOIN unnest(?::text[], ?::text[], ?::int4[]) AS a(system_identifier, host, port)
                    ON i.system_identifier = a.system_identifier AND i.host = a.host AND i.port = a.port""")) {
            ps.setArray(1, connection.createArrayOf("text", distinct.stream().map(Address::systemIdentifier).toArray()));
            ps.setArray(2, connection.createArrayOf("text", distinct.stream().map(Address::host).toArray()));
            ps.setArray(3, connection.createArrayOf("int4", distinct.stream().map(Address::port).toArray()));
            Map<Address, Owner> owners = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    owners.put(new Address(rs.getString(2), rs.getString(3), rs.getInt(4)), new Owner(rs.getLong(1), rs.getString(5)));
                }
            }
            return owners;
        }
    }

    /** Which of these collector ids name deleted collectors: their instances are free to be taken over. */
    public Set<String> deletedCollectors(Connection connection, Collection<String> collectorIds) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT id::text FROM collector WHERE id::text = ANY (?) AND deleted_at IS NOT NULL")) {
            ps.setArray(1, connection.createArrayOf("text", collectorIds.toArray()));
            Set<String> deleted = new java.util.HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    deleted.add(rs.getString(1));
                }
            }
            return deleted;
        }
    }

    /** What a batch says about one instance and the databases it reported. */
    public record InstanceSighting(TargetRef target, String collectorId, String serverVersion, Long serverVersionNum,
                                   Boolean inRecovery, Instant receivedAt, Instant collectedAt, Collection<String> databases) {

        /** This sighting taken as the later one: its values win, the earlier one's fill what it does not know. */
        InstanceSighting over(InstanceSighting earlier) {
            Set<String> both = new TreeSet<>(earlier.databases);
            both.addAll(databases);
            return new InstanceSighting(target, collectorId,
                    serverVersion != null ? serverVersion : earlier.serverVersion,
                    serverVersionNum != null ? serverVersionNum : earlier.serverVersionNum,
                    inRecovery != null ? inRecovery : earlier.inRecovery,
                    receivedAt.isAfter(earlier.receivedAt) ? receivedAt : earlier.receivedAt,
                    collectedAt.isAfter(earlier.collectedAt) ? collectedAt : earlier.collectedAt, both);
        }
    }

    /**
     * Upserts every instance sighted (once per address: the latest sample's sighting wins, as if they had been
     * upserted one by one in the order they were collected) and its databases; returns each address's id.
     */
    public Map<Address, Long> register(Connection connection, List<InstanceSighting> sightings) throws SQLException {
        Map<Address, InstanceSighting> merged = merge(sightings);
        if (merged.isEmpty()) {
            return Map.of();
        }
        Map<Address, Long> ids = upsertInstances(connection, merged.values());
        if (ids.size() < merged.size()) {
            List<Address> lost = merged.keySet().stream().filter(address -> !ids.containsKey(address)).toList();
            throw new SQLException("instances " + lost + " were taken by another collector meanwhile", OWNERSHIP_RACE);
        }
        upsertDatabases(connection, merged, ids);
        return ids;
    }

    static Map<Address, InstanceSighting> merge(List<InstanceSighting> sightings) {
        List<InstanceSighting> byTime = new ArrayList<>(sightings);
        byTime.sort(Comparator.comparing(InstanceSighting::collectedAt)); // stable: arrival order among equal times
        Map<Address, InstanceSighting> merged = new TreeMap<>(ADDRESS_ORDER);
        for (InstanceSighting sighting : byTime) {
            merged.merge(Address.of(sighting.target()), sighting, (earlier, later) -> later.over(earlier));
        }
        return merged;
    }

    private static Map<Address, Long> upsertInstances(Connection connection, Collection<InstanceSighting> sightings)
            throws SQLException {
        int n = sightings.size();
        String[] systemIdentifiers = new String[n];
        String[] hosts = new String[n];
        Integer[] ports = new Integer[n];
        String[] names = new String[n];
        String[] collectors = new String[n];
        String[] versions = new String[n];
        Integer[] versionNums = new Integer[n];
        Boolean[] recovery = new Boolean[n];
        String[] received = new String[n];
        String[] collected = new String[n];
        int i = 0;
        for (InstanceSighting s : sightings) {
            TargetRef t = s.target();
            systemIdentifiers[i] = t.systemIdentifier();
            hosts[i] = t.host();
            ports[i] = t.port();
            names[i] = t.name();
            collectors[i] = s.collectorId();
            versions[i] = s.serverVersion();
            versionNums[i] = s.serverVersionNum() == null ? null : (int) Math.min(Integer.MAX_VALUE, s.serverVersionNum());
            recovery[i] = s.inRecovery();
            received[i] = s.receivedAt().toString();
            collected[i] = s.collectedAt().toString();
            i++;
        }
        try (PreparedStatement ps = connection.prepareStatement("""
                INSERT INTO monitored_instance AS i (system_identifier, host, port, name, collector_id, server_version,
                    server_version_num, in_recovery, first_seen_at, last_seen_at, last_collected_at)
                SELECT s.system_identifier, s.host, s.port, s.name, s.collector_id, s.server_version,
                    s.server_version_num, s.in_recovery, s.received_at, s.received_at, s.collected_at
                FROM unnest(?::text[], ?::text[], ?::int4[], ?::text[], ?::text[], ?::text[], ?::int4[], ?::bool[],
                    ?::timestamptz[], ?::timestamptz[]) WITH ORDINALITY
                    AS s(system_identifier, host, port, name, collector_id, server_version, server_version_num,
                         in_recovery, received_at, collected_at, position)
                ORDER BY s.position
                ON CONFLICT ON CONSTRAINT monitored_instance_address DO UPDATE SET
                    name = EXCLUDED.name,
                    collector_id = EXCLUDED.collector_id,
                    server_version = coalesce(EXCLUDED.server_version, i.server_version),
                    server_version_num = coalesce(EXCLUDED.server_version_num, i.server_version_num),
                    in_recovery = coalesce(EXCLUDED.in_recovery, i.in_recovery),
                    last_seen_at = greatest(i.last_seen_at, EXCLUDED.last_seen_at),
                    last_collected_at = greatest(i.last_collected_at, EXCLUDED.last_collected_at),
                    version = i.version + 1
                WHERE i.collector_id IS NULL OR i.collector_id = EXCLUDED.collector_id
                    OR EXISTS (SELECT 1 FROM collector c WHERE c.id::text = i.collector_id AND c.deleted_at IS NOT NULL)
                RETURNING id, system_identifier, host, port""")) {
            ps.setArray(1, connection.createArrayOf("text", systemIdentifiers));
            ps.setArray(2, connection.createArrayOf("text", hosts));
            ps.setArray(3, connection.createArrayOf("int4", ports));
            ps.setArray(4, connection.createArrayOf("text", names));
            ps.setArray(5, connection.createArrayOf("text", collectors));
            ps.setArray(6, connection.createArrayOf("text", versions));
            ps.setArray(7, connection.createArrayOf("int4", versionNums));
            ps.setArray(8, connection.createArrayOf("bool", recovery));
            ps.setArray(9, connection.createArrayOf("text", received));
            ps.setArray(10, connection.createArrayOf("text", collected));
            Map<Address, Long> ids = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.put(new Address(rs.getString(2), rs.getString(3), rs.getInt(4)), rs.getLong(1));
                }
            }
            return ids;
        }
    }

    /** Records the databases each instance reported. */
    private static void upsertDatabases(Connection connection, Map<Address, InstanceSighting> sightings, Map<Address, Long> ids)
            throws SQLException {
        List<Long> instances = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> times = new ArrayList<>();
        sightings.forEach((address, sighting) -> {
            for (String datname : new TreeSet<>(sighting.databases())) {
                instances.add(ids.get(address));
                names.add(datname);
                times.add(sighting.receivedAt().toString());
            }
        });
        if (instances.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement("""
                INSERT INTO monitored_database (instance_id, datname, first_seen_at, last_seen_at)
                SELECT d.instance_id, d.datname, d.seen_at, d.seen_at
                FROM unnest(?::int8[], ?::text[], ?::timestamptz[]) WITH ORDINALITY AS d(instance_id, datname, seen_at, position)
                ORDER BY d.position
                ON CONFLICT (instance_id, datname) DO UPDATE SET last_seen_at = greatest(monitored_database.last_seen_at, EXCLUDED.last_seen_at)""")) {
            ps.setArray(1, connection.createArrayOf("int8", instances.toArray()));
            ps.setArray(2, connection.createArrayOf("text", names.toArray()));
            ps.setArray(3, connection.createArrayOf("text", times.toArray()));
            ps.executeUpdate();
        }
    }
}

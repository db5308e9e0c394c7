package io.pganalytics.collector.catalog;

import io.pganalytics.collector.probe.Capabilities;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.wire.Snapshot;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;

/**
 * Collects one family (and the families that ride along with it, such as statement texts with statements) on
 * one target. An instance holds that target's delta state, so each target gets its own instances; the scheduler
 * never runs one instance twice at once.
 */
public interface FamilyCollector {
    /** The family this collector is scheduled as; its interval is this family's. */
    Family family();

    /** Every family its snapshots may carry. */
    default List<Family> emits() {
        return List.of(family());
    }

    Lane lane();

    /** What this collector will do on a target with these capabilities. */
    Availability availability(Capabilities capabilities);

    /**
     * Reads the family. Returns nothing on a baseline sample.
     *
     * @throws SQLException  when PostgreSQL failed or timed out (a connection failure is told apart by
     *                       {@link io.pganalytics.collector.target.TargetConnections#isConnectionError})
     * @throws IOException   when a host source could not be read
     */
    List<Snapshot> collect(CollectContext context) throws SQLException, IOException;
}

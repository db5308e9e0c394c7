package io.pganalytics.collector.host;

import io.pganalytics.collector.catalog.Availability;
import io.pganalytics.collector.catalog.CollectContext;
import io.pganalytics.collector.catalog.FamilyCollector;
import io.pganalytics.collector.catalog.Lane;
import io.pganalytics.collector.catalog.Snapshots;
import io.pganalytics.collector.delta.DeltaTracker;
import io.pganalytics.collector.probe.Capabilities;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.wire.Snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** One host family read from a /proc file (or the file systems), through the delta engine when it has counters. */
final class HostCollector implements FamilyCollector {
    /** Reads one source into rows of the family. */
    @FunctionalInterface
    interface Reader {
        List<List<Object>> read(Path procRoot, Capabilities capabilities) throws IOException;
    }

    private final Family family;
    private final Path procRoot;
    private final String source;
    private final boolean local;
    private final Reader reader;
    private final DeltaTracker tracker;

    HostCollector(Family family, Path procRoot, String source, boolean local, Reader reader) {
        this.family = family;
        this.procRoot = procRoot;
        this.source = source;
        this.local = local;
        this.reader = reader;
        this.tracker = family.hasCounters() ? new DeltaTracker(family, 0) : null;
    }

    @Override
    public Family family() {
        return family;
    }

    @Override
    public Lane lane() {
        return Lane.HOST;
    }

    @Override
    public Availability availability(Capabilities capabilities) {
        if (!local) {
            return Availability.no("the target is not on this host", "run a collector on the database host for host metrics");
        }
        if (source != null && !Files.isReadable(procRoot.resolve(source))) {
            return Availability.no(procRoot.resolve(source) + " is not readable", null);
        }
        return Availability.yes(source == null ? "file systems of the data directory" : procRoot.resolve(source).toString());
    }

    @Override
    public List<Snapshot> collect(CollectContext context) throws IOException {
        Instant at = context.clock().instant();
        List<List<Object>> rows = reader.read(procRoot, context.capabilities());
        if (tracker == null) {
            return List.of(Snapshots.of(context.target(), family, at, null, rows));
        }
        DeltaTracker.Delta delta = tracker.next(at, rows);
        if (delta.intervalSeconds() == null) {
            return List.of();
        }
        return List.of(Snapshots.of(context.target(), family, at, delta.intervalSeconds(), delta.rows()));
    }

    static String read(Path procRoot, String file) throws IOException {
        return Files.readString(procRoot.resolve(file), StandardCharsets.UTF_8);
    }
}

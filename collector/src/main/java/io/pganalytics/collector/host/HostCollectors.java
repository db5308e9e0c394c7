package io.pganalytics.collector.host;

import io.pganalytics.collector.catalog.FamilyCollector;
import io.pganalytics.collector.target.TargetSpec;
import io.pganalytics.common.catalog.MetricCatalog;

import java.nio.file.Path;
import java.util.List;

/** Builds a target's host collectors: they report only when the target runs on this host. */
public final class HostCollectors {
    private HostCollectors() {
    }

    /** Host families reading the real /proc. */
    public static List<FamilyCollector> create(TargetSpec spec) {
        return create(spec, HostSettings.DEFAULTS);
    }

    /** Host families reading the proc tree of the settings ({@code host.proc-root}). */
    public static List<FamilyCollector> create(TargetSpec spec, HostSettings settings) {
        return create(spec, settings.procRoot());
    }

    /** Host families reading the proc tree under {@code procRoot}. */
    public static List<FamilyCollector> create(TargetSpec spec, Path procRoot) {
        boolean local = spec.isLocal();
        return List.of(
                new HostCollector(MetricCatalog.HOST_CPU, procRoot, "stat", local,
                        (root, caps) -> List.of(ProcParsers.cpu(HostCollector.read(root, "stat")))),
                new HostCollector(MetricCatalog.HOST_MEMORY, procRoot, "meminfo", local,
                        (root, caps) -> List.of(ProcParsers.memory(HostCollector.read(root, "meminfo")))),
                new HostCollector(MetricCatalog.HOST_LOAD, procRoot, "loadavg", local,
                        (root, caps) -> List.of(ProcParsers.load(HostCollector.read(root, "loadavg")))),
                new HostCollector(MetricCatalog.HOST_DISK, procRoot, "diskstats", local,
                        (root, caps) -> ProcParsers.disks(HostCollector.read(root, "diskstats"))),
                new HostCollector(MetricCatalog.HOST_NETWORK, procRoot, "net/dev", local,
                        (root, caps) -> ProcParsers.network(HostCollector.read(root, "net/dev"))),
                new HostCollector(MetricCatalog.HOST_FILESYSTEM, procRoot, null, local,
                        (root, caps) -> FileSystems.usage(Path.of(caps.dataDirectory() != null ? caps.dataDirectory() : "/"))));
    }
}

package io.pganalytics.collector.host;

import java.nio.file.Path;

/**
 * Where the host families read the kernel's figures ({@code host:} in collector.yaml).
 *
 * @param procRoot the proc file system read for host_cpu, host_memory, host_load, host_disk and host_network:
 *                 {@code /proc}, or the node's /proc mounted into a container (the chart's DaemonSet: {@code /host/proc})
 */
public record HostSettings(Path procRoot) {
    public static final Path DEFAULT_PROC_ROOT = Path.of("/proc");
    public static final HostSettings DEFAULTS = new HostSettings(DEFAULT_PROC_ROOT);

    public HostSettings {
        procRoot = procRoot == null ? DEFAULT_PROC_ROOT : procRoot;
    }
}

package io.pganalytics.collector.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parsers of the /proc files the host families read. Each takes the file's text and returns rows in the
 * column order of its family (counters cumulative: the delta engine differentiates them).
 */
final class ProcParsers {
    /** Linux reports CPU time in USER_HZ, 100 per second on every mainstream architecture. */
    static final double USER_HZ = 100.0;
    /** /proc/diskstats counts 512-byte sectors regardless of the device's sector size. */
    static final long SECTOR_BYTES = 512;
    private static final Pattern SPACES = Pattern.compile("\\s+");
    /** Partitions (sda1, nvme0n1p1, mmcblk0p1) and virtual devices are not reported. */
    private static final Pattern SKIPPED_DEVICE = Pattern.compile(
            "(loop|ram|zram|fd|sr)\\d+|(sd|vd|xvd|hd)[a-z]+\\d+|(nvme\\d+n\\d+|mmcblk\\d+)p\\d+");

    private ProcParsers() {
    }

    /** host_cpu: cpus, user, nice, system, idle, iowait, irq, softirq, steal (seconds), context switches. */
    static List<Object> cpu(String stat) {
        long cpus = 0;
        List<Object> row = null;
        long contextSwitches = 0;
        for (String line : stat.split("\n")) {
            String[] f = SPACES.split(line.strip());
            if (f[0].equals("cpu")) {
                row = new ArrayList<>();
                row.add(0L);
                for (int i = 1; i <= 8; i++) {
                    row.add(i < f.length ? Long.parseLong(f[i]) / USER_HZ : null);
                }
            } else if (f[0].startsWith("cpu")) {
                cpus++;
            } else if (f[0].equals("ctxt") && f.length > 1) {
                contextSwitches = Long.parseLong(f[1]);
            }
        }
        if (row == null) {
            throw new IllegalArgumentException("/proc/stat has no cpu line");
        }
        row.set(0, cpus);
        row.add(contextSwitches);
        return row;
    }

    /** host_memory from /proc/meminfo (kB values become bytes; HugePages counts stay counts). */
    static List<Object> memory(String meminfo) {
        Map<String, Long> values = new HashMap<>();
        for (String line : meminfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String[] f = SPACES.split(line.substring(colon + 1).strip());
            if (f.length == 0 || f[0].isEmpty()) {
                continue;
            }
            long value = Long.parseLong(f[0]);
            values.put(line.substring(0, colon).strip(), f.length > 1 && f[1].equals("kB") ? value * 1024 : value);
        }
        List<Object> row = new ArrayList<>();
        for (String name : List.of("MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "Shmem", "Dirty",
                "SwapTotal", "SwapFree", "HugePages_Total", "HugePages_Free")) {
            row.add(values.get(name));
        }
        return row;
    }

    /** host_load from /proc/loadavg: "0.52 0.58 0.59 2/1234 5678". */
    static List<Object> load(String loadavg) {
        String[] f = SPACES.split(loadavg.strip());
        String[] tasks = f[3].split("/");
        return List.of(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                Long.parseLong(tasks[0]), Long.parseLong(tasks[1]));
    }

    /** host_disk rows from /proc/diskstats, whole devices only. */
    static List<List<Object>> disks(String diskstats) {
        List<List<Object>> rows = new ArrayList<>();
        for (String line : diskstats.split("\n")) {
            String[] f = SPACES.split(line.strip());
            if (f.length < 14 || SKIPPED_DEVICE.matcher(f[2]).matches() || f[2].startsWith("dm-")) {
                continue;
            }
            rows.add(List.of(f[2],
                    Long.parseLong(f[3]), Long.parseLong(f[5]) * SECTOR_BYTES, Long.parseLong(f[6]),
                    Long.parseLong(f[7]), Long.parseLong(f[9]) * SECTOR_BYTES, Long.parseLong(f[10]),
                    Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13])));
        }
        return rows;
    }

    /** host_network rows from /proc/net/dev, loopback excluded. */
    static List<List<Object>> network(String netdev) {
        List<List<Object>> rows = new ArrayList<>();
        for (String line : netdev.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).strip();
            if (name.equals("lo")) {
                continue;
            }
            String[] f = SPACES.split(line.substring(colon + 1).strip());
            if (f.length < 12) {
                continue;
            }
            rows.add(List.of(name, Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[8]), Long.parseLong(f[9]), Long.parseLong(f[10]), Long.parseLong(f[11])));
        }
        return rows;
    }
}

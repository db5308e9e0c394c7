package io.pganalytics.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * CPU and memory of processes from /proc (Linux): CPU as user + system clock ticks between two readings, memory as
 * resident set (VmRSS) for one process and as proportional set (Pss, shared memory split between the sharers) for a
 * group such as a postmaster and its backends, so that shared buffers are counted once.
 */
final class ProcessSampler {
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessSampler() {
    }

    /** CPU seconds (user + system) used so far by the process; 0 when it is gone. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: state(0) ppid(1) ... utime(11) stime(12)
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static long parentPid(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A /proc/PID/status or smaps_rollup field in bytes (kB in the file); 0 when absent. */
    static long memoryField(long pid, String file, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), file))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).strip().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    static long residentBytes(long pid) {
        return memoryField(pid, "status", "VmRSS");
    }

    /** The process and its children (a postmaster and its backends and workers). */
    static List<Long> withChildren(OptionalLong parent) {
        List<Long> pids = new ArrayList<>();
        if (parent.isEmpty()) {
            return pids;
        }
        pids.add(parent.getAsLong());
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong).filter(pid -> parentPid(pid) == parent.getAsLong()).forEach(pids::add);
        } catch (IOException e) {
            return pids;
        }
        return pids;
    }

    /** CPU seconds of a group; processes that ended since are lost, which a short-lived backend makes small. */
    static double cpuSeconds(List<Long> pids) {
        return pids.stream().mapToDouble(ProcessSampler::cpuSeconds).sum();
    }

    static long proportionalBytes(List<Long> pids) {
        return pids.stream().mapToLong(pid -> memoryField(pid, "smaps_rollup", "Pss")).sum();
    }
}

package io.pganalytics.tools.bench;

import java.util.List;
import java.util.OptionalLong;

/**
 * The server's and its PostgreSQL's CPU (over the whole window) and peak memory (sampled every 2 s) while a phase
 * runs. PostgreSQL is measured only when it is the server's embedded one (its postmaster and children).
 */
final class ResourceWatch {
    record Figures(double seconds, double serverCpuSeconds, long serverPeakRss, double postgresCpuSeconds,
                   long postgresPeakPss, boolean postgresMeasured, double loadGeneratorCpuSeconds, double machineLoad) {
        /** The bench's own JVM: the simulated collectors, on the same cores as the server. */
        double loadGeneratorCores() {
            return loadGeneratorCpuSeconds / seconds;
        }

        double serverCores() {
            return serverCpuSeconds / seconds;
        }

        double postgresCores() {
            return postgresCpuSeconds / seconds;
        }
    }

    private final long serverPid;
    private final OptionalLong postmaster;
    private volatile boolean running;
    private Thread sampler;
    private long startNanos;
    private double serverCpuStart;
    private double postgresCpuStart;
    private double selfCpuStart;
    private final long self = ProcessHandle.current().pid();
    private volatile long serverPeak;
    private volatile long postgresPeak;

    ResourceWatch(long serverPid, OptionalLong postmaster) {
        this.serverPid = serverPid;
        this.postmaster = postmaster;
    }

    void start() {
        startNanos = System.nanoTime();
        serverCpuStart = ProcessSampler.cpuSeconds(serverPid);
        postgresCpuStart = ProcessSampler.cpuSeconds(ProcessSampler.withChildren(postmaster));
        selfCpuStart = ProcessSampler.cpuSeconds(self);
        running = true;
        sampler = Thread.ofPlatform().daemon().name("bench-resources").start(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private void sample() {
        serverPeak = Math.max(serverPeak, ProcessSampler.residentBytes(serverPid));
        postgresPeak = Math.max(postgresPeak, ProcessSampler.proportionalBytes(ProcessSampler.withChildren(postmaster)));
    }

    Figures stop() throws InterruptedException {
        running = false;
        sampler.interrupt();
        sampler.join();
        sample();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        List<Long> postgres = ProcessSampler.withChildren(postmaster);
        return new Figures(seconds, ProcessSampler.cpuSeconds(serverPid) - serverCpuStart, serverPeak,
                ProcessSampler.cpuSeconds(postgres) - postgresCpuStart, postgresPeak, postmaster.isPresent(),
                ProcessSampler.cpuSeconds(self) - selfCpuStart,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}

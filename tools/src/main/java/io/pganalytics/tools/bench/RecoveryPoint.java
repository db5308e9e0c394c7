package io.pganalytics.tools.bench;

import io.pganalytics.tools.simulate.AcknowledgedBatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The data a restore to the latest point lost (the recovery point), measured on what the collectors were told: every
 * batch acknowledged before the database was destroyed is looked up by collector and batch id after the restore. Per
 * simulated instance, the recovery point is the newest acknowledged sample time minus the newest sample time of an
 * acknowledged batch that the restored database holds. Two kinds of loss are not a recovery point but a defect: a
 * missing batch older than one that was restored (a hole), and a missing batch acknowledged before the backup was
 * started (the backup itself lacks it). Not the backup's consistent point: the catalogue records that when
 * {@code pg_backup_stop} returned, after it waited for its last segment's archiving, so a batch committed during that
 * wait is in the next segment, which a loss before the next archive timeout takes with it: part of the recovery point.
 *
 * @param instances       per simulated instance, by name
 * @param backupStartedAt when the backup started: every batch acknowledged before it must be restored
 */
record RecoveryPoint(List<Instance> instances, Instant backupStartedAt) {
    /** The bound of a hole list in the report. */
    private static final int HOLES_SHOWN = 10;

    /**
     * @param newestRestored null when none of the instance's acknowledged batches was restored
     * @param rpo            newest acknowledged minus newest restored sample time; with nothing restored, the span
     *                       of everything acknowledged (at least that much was lost)
     * @param holes          batch ids missing although a newer one of the same instance was restored
     * @param missingFromBackup batch ids missing although they were acknowledged before the backup started
     */
    record Instance(String name, int acknowledged, int lost, Instant newestAcknowledged, Instant newestRestored, Duration rpo,
                    List<String> holes, List<String> missingFromBackup) {
    }

    /**
     * @param acknowledged every batch acknowledged before the database was destroyed
     * @param stored       the restored database's {@code ingest_batch} keys among them, as {@code collectorId batchId}
     */
    static RecoveryPoint of(List<AcknowledgedBatch> acknowledged, Set<String> stored, Instant backupStartedAt) {
        Map<String, List<AcknowledgedBatch>> byInstance = acknowledged.stream()
                .collect(Collectors.groupingBy(AcknowledgedBatch::collectorName, TreeMap::new, Collectors.toList()));
        List<Instance> instances = new ArrayList<>();
        byInstance.forEach((name, batches) -> instances.add(instance(name, batches, stored, backupStartedAt)));
        return new RecoveryPoint(List.copyOf(instances), backupStartedAt);
    }

    private static Instance instance(String name, List<AcknowledgedBatch> batches, Set<String> stored, Instant backupStartedAt) {
        List<AcknowledgedBatch> ordered = batches.stream().sorted(Comparator.comparing(AcknowledgedBatch::sampleTime)).toList();
        Instant newestAcknowledged = ordered.getLast().sampleTime();
        Instant newestRestored = ordered.stream().filter(b -> stored.contains(key(b))).map(AcknowledgedBatch::sampleTime)
                .max(Comparator.naturalOrder()).orElse(null);
        List<AcknowledgedBatch> missing = ordered.stream().filter(b -> !stored.contains(key(b))).toList();
        List<String> holes = missing.stream()
                .filter(b -> newestRestored != null && b.sampleTime().isBefore(newestRestored)).map(AcknowledgedBatch::batchId).toList();
        List<String> missingFromBackup = missing.stream()
                .filter(b -> b.acknowledgedAt().isBefore(backupStartedAt)).map(AcknowledgedBatch::batchId).toList();
        Duration rpo = Duration.between(newestRestored != null ? newestRestored : ordered.getFirst().sampleTime(), newestAcknowledged);
        return new Instance(name, ordered.size(), missing.size(), newestAcknowledged, newestRestored, rpo, holes, missingFromBackup);
    }

    private static String key(AcknowledgedBatch batch) {
        return batch.collectorId() + " " + batch.batchId();
    }

    /** The largest recovery point of any instance (zero without instances). */
    Duration worst() {
        return instances.stream().map(Instance::rpo).max(Comparator.naturalOrder()).orElse(Duration.ZERO);
    }

    /** The instance with the largest recovery point; empty without instances. */
    String worstInstance() {
        return instances.stream().max(Comparator.comparing(Instance::rpo)).map(Instance::name).orElse("");
    }

    /** The smallest recovery point of any instance. */
    Duration best() {
        return instances.stream().map(Instance::rpo).min(Comparator.naturalOrder()).orElse(Duration.ZERO);
    }

    long acknowledged() {
        return instances.stream().mapToLong(Instance::acknowledged).sum();
    }

    long lost() {
        return instances.stream().mapToLong(Instance::lost).sum();
    }

    long holes() {
        return instances.stream().mapToLong(i -> i.holes().size()).sum();
    }

    long missingFromBackup() {
        return instances.stream().mapToLong(i -> i.missingFromBackup().size()).sum();
    }

    /** The first holes and batches missing from the backup, named by instance and batch id, for the report. */
    String describeHoles() {
        List<String> named = new ArrayList<>();
        for (Instance instance : instances) {
            instance.holes().forEach(id -> named.add(instance.name() + " " + id + " (older than a restored batch)"));
            instance.missingFromBackup().stream().filter(id -> !instance.holes().contains(id))
                    .forEach(id -> named.add(instance.name() + " " + id + " (acknowledged before the backup started)"));
        }
        String shown = String.join(", ", named.subList(0, Math.min(HOLES_SHOWN, named.size())));
        return named.size() > HOLES_SHOWN ? shown + " and " + (named.size() - HOLES_SHOWN) + " more" : shown;
    }
}

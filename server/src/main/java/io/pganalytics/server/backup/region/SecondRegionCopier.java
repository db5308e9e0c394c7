package io.pganalytics.server.backup.region;

import io.pganalytics.common.backup.BackupView;
import io.pganalytics.common.backup.RepositoryStatus;
import io.pganalytics.server.backup.BackupCatalog;
import io.pganalytics.server.backup.BackupStore;
import io.pganalytics.server.backup.BackupStore.StoredObject;
import io.pganalytics.server.cluster.JobLeases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Brings the second region's repository in step with the primary one, in rounds: copies every object of the primary
 * the second lacks ({@code repository.json}, {@code backups/<id>/*}, {@code wal/*}), a backup's {@code manifest.json}
 * and {@code manifest.sig} after all its other objects (a copied signature means a complete copy), marks the catalogue,
 * and deletes from the second region what expiry deleted from the primary (only under {@code backups/} and
 * {@code wal/}, and never while the primary holds no complete backup: a primary that looks empty is more likely lost
 * than expired). A round does bounded work; the rest waits for the next one.
 * <p>
 * One node copies (the job lease); every other node only measures, so that any node's status tells the truth.
 */
final class SecondRegionCopier {
    static final String LEASE = "backup.second-region";
    static final String MARKER = "repository.json";
    private static final Logger LOG = LoggerFactory.getLogger(SecondRegionCopier.class);

    /**
     * What one round may do at most.
     *
     * @param objects   objects copied
     * @param bytes     bytes copied (a round stops after the object that crosses it)
     * @param deletions objects deleted
     */
    record Limits(int objects, long bytes, int deletions) {
        static final Limits DEFAULT = new Limits(2000, 16L << 30, 2000);
    }

    /**
     * What a round did.
     *
     * @param copier   whether this node held the lease and copied (false: it only measured)
     * @param copied   objects copied
     * @param bytes    bytes copied
     * @param deleted  objects deleted in the second region
     * @param pending  objects of the primary still missing from the second region
     */
    record Round(boolean copier, int copied, long bytes, int deleted, int pending) {
    }

    private final BackupStore primary;
    private final BackupStore second;
    private final Optional<BackupCatalog> catalog;
    private final Optional<JobLeases> leases;
    private final Clock clock;
    private final Limits limits;
    private volatile RepositoryStatus status;
    private boolean walReconciled;
    /** The second region's objects as last listed: while it cannot be reached, the lag still grows against them. */
    private Map<String, StoredObject> lastTarget = Map.of();

    SecondRegionCopier(BackupStore primary, BackupStore second, Optional<BackupCatalog> catalog, Optional<JobLeases> leases, Clock clock,
                       Limits limits) {
        this.primary = primary;
        this.second = second;
        this.catalog = catalog;
        this.leases = leases;
        this.clock = clock;
        this.limits = limits;
        this.status = new RepositoryStatus(RepositoryStatus.SECOND_REGION, second.kind(), second.location(), false, null, null, null, null,
                "not reached yet: the first copy round has not run", null);
    }

    RepositoryStatus status() {
        return status;
    }

    /**
     * One round: copies and mirrors deletions under the lease (or without one when there is no cluster), else measures.
     *
     * @throws IOException when either store cannot be reached; the status says so before it is thrown
     */
    synchronized Round runOnce(BooleanSupplier mayContinue) throws IOException {
        Optional<JobLeases.Lease> lease = leases.isPresent() ? leases.get().tryAcquire(LEASE) : Optional.empty();
        if (leases.isPresent() && lease.isEmpty()) {
            return guarded(() -> measure());
        }
        try {
            return guarded(() -> copy(() -> mayContinue.getAsBoolean() && lease.map(JobLeases.Lease::held).orElse(true)));
        } finally {
            lease.ifPresent(JobLeases.Lease::close);
        }
    }

    private interface Body {
        Round run() throws IOException;
    }

    private Round guarded(Body body) throws IOException {
        try {
            return body.run();
        } catch (IOException | RuntimeException e) {
            RepositoryStatus last = status;
            status = new RepositoryStatus(RepositoryStatus.SECOND_REGION, second.kind(), second.location(), false, last.usedBytes(), null,
                    last.newestAt(), lagWhileFailing(last.lagSeconds()), describe(e), last.warning());
            throw e;
        }
    }

    /** The lag against the second region as last seen, when the primary can still be listed; else the last figure. */
    private Long lagWhileFailing(Long last) {
        try {
            return lag(missing(index(primaryObjects()), new HashMap<>(lastTarget)));
        } catch (IOException | RuntimeException e) { // the primary cannot be listed either: the round's error says why
            return last;
        }
    }

    private long lag(List<StoredObject> pending) {
        Instant now = clock.instant();
        return pending.stream().map(StoredObject::modified).min(Comparator.naturalOrder())
                .map(oldest -> Math.max(0, Duration.between(oldest, now).toSeconds())).orElse(0L);
    }

    private Round measure() throws IOException {
        Map<String, StoredObject> source = index(primaryObjects());
        Map<String, StoredObject> target = index(secondObjects());
        List<StoredObject> pending = missing(source, target);
        report(target, pending, null);
        return new Round(false, 0, 0, 0, pending.size());
    }

    private Round copy(BooleanSupplier mayContinue) throws IOException {
        Map<String, StoredObject> source = index(primaryObjects());
        Map<String, StoredObject> target = index(secondObjects());
        List<StoredObject> pending = missing(source, target);
        int copied = 0;
        long bytes = 0;
        List<String> walCopied = new ArrayList<>();
        for (StoredObject object : pending) {
            if (copied >= limits.objects() || bytes >= limits.bytes() || !mayContinue.getAsBoolean()) {
                break;
            }
            try {
                second.copyFrom(primary, object.name());
            } catch (NoSuchFileException e) {
                continue;  // expiry removed it from the primary since the listing: nothing to copy
            }
            copied++;
            bytes += object.size();
            target.put(object.name(), new StoredObject(object.name(), object.size(), clock.instant()));
            segment(object.name()).ifPresent(walCopied::add);
        }
        String warning = null;
        int deleted = 0;
        if (source.keySet().stream().noneMatch(SecondRegionCopier::isSignature)) {
            if (target.keySet().stream().anyMatch(SecondRegionCopier::isSignature)) {
                warning = "the primary repository holds no complete backup: deletions are not mirrored until it does";
            }
        } else {
            deleted = mirrorDeletions(source, target, mayContinue);
        }
        mark(target, walCopied);
        List<StoredObject> left = missing(source, target);
        report(target, left, warning);
        if (copied > 0 || deleted > 0) {
            LOG.info("second region {}: copied {} objects ({} bytes), deleted {}; {} still to copy", second.location(), copied, bytes, deleted,
                    left.size());
        }
        return new Round(true, copied, bytes, deleted, left.size());
    }

    /** Deletes what the primary no longer holds: each backup's signature and manifest first, so that no half-deleted backup looks complete. */
    private int mirrorDeletions(Map<String, StoredObject> source, Map<String, StoredObject> target, BooleanSupplier mayContinue) throws IOException {
        List<String> gone = target.keySet().stream()
                .filter(name -> (name.startsWith("backups/") || name.startsWith("wal/")) && !source.containsKey(name))
                .sorted(Comparator.comparing((String name) -> isSignature(name) ? 0 : isManifest(name) ? 1 : 2).thenComparing(name -> name))
                .toList();
        int deleted = 0;
        for (String name : gone) {
            if (deleted >= limits.deletions() || !mayContinue.getAsBoolean()) {
                break;
            }
            second.delete(name);
            target.remove(name);
            deleted++;
        }
        return deleted;
    }

    /** The catalogue's copied marks: backups whose signature is in the second region, WAL copied now (and, once, WAL copied before). */
    private void mark(Map<String, StoredObject> target, List<String> walCopied) {
        if (catalog.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        try {
            for (BackupView backup : catalog.get().complete()) {
                if (backup.copiedAt() == null && target.containsKey("backups/" + backup.id() + "/manifest.sig")) {
                    catalog.get().copied(backup.id(), now);
                }
            }
            List<String> marks = new ArrayList<>(walCopied);
            if (!walReconciled) {
                Set<String> there = new HashSet<>();
                target.keySet().forEach(name -> segment(name).ifPresent(there::add));
                catalog.get().walFrom("").stream().filter(w -> w.copiedAt() == null && there.contains(w.name())).forEach(w -> marks.add(w.name()));
            }
            catalog.get().walCopied(new HashSet<>(marks), now);
            walReconciled = true;
        } catch (RuntimeException e) { // the database is down: the copy itself is done, the marks follow in a later round
            LOG.warn("second region {}: the catalogue's copied marks are not written ({}); the next round writes them", second.location(),
                    e.getMessage());
            walReconciled = false;
        }
    }

    private void report(Map<String, StoredObject> target, List<StoredObject> pending, String warning) {
        lastTarget = Map.copyOf(target);
        long lag = lag(pending);
        long used = target.values().stream().mapToLong(StoredObject::size).sum();
        Instant newest = target.values().stream().filter(o -> !o.name().equals(MARKER)).map(StoredObject::modified)
                .max(Comparator.naturalOrder()).orElse(null);
        Long free = null;
        try {
            free = second.freeBytes().isPresent() ? second.freeBytes().getAsLong() : null;
        } catch (IOException e) {
            // free space is a figure, not the round's result: the listing just worked
        }
        status = new RepositoryStatus(RepositoryStatus.SECOND_REGION, second.kind(), second.location(), true, used, free, newest, lag, null, warning);
    }

    private List<StoredObject> primaryObjects() throws IOException {
        return objects(primary);
    }

    private List<StoredObject> secondObjects() throws IOException {
        return objects(second);
    }

    private static List<StoredObject> objects(BackupStore store) throws IOException {
        List<StoredObject> objects = new ArrayList<>(store.list(MARKER).stream().filter(o -> o.name().equals(MARKER)).toList());
        objects.addAll(store.list("backups/"));
        objects.addAll(store.list("wal/"));
        return objects;
    }

    private static Map<String, StoredObject> index(List<StoredObject> objects) {
        Map<String, StoredObject> map = new HashMap<>();
        objects.forEach(o -> map.put(o.name(), o));
        return map;
    }

    /**
     * The primary's objects the second lacks (or holds with another size: rewritten since), in copy order: the marker,
     * then by age, every manifest after all other objects and each signature after its manifest.
     */
    private static List<StoredObject> missing(Map<String, StoredObject> source, Map<String, StoredObject> target) {
        return source.values().stream()
                .filter(o -> {
                    StoredObject there = target.get(o.name());
                    return there == null || there.size() != o.size();
                })
                .sorted(Comparator.comparing((StoredObject o) -> o.name().equals(MARKER) ? 0 : isSignature(o.name()) ? 3 : isManifest(o.name()) ? 2 : 1)
                        .thenComparing(StoredObject::modified).thenComparing(StoredObject::name))
                .toList();
    }

    private static boolean isManifest(String name) {
        return name.startsWith("backups/") && name.endsWith("/manifest.json");
    }

    private static boolean isSignature(String name) {
        return name.startsWith("backups/") && name.endsWith("/manifest.sig");
    }

    /** {@code wal/000000010000000000000003.pgab} -> the catalogue's {@code 000000010000000000000003}. */
    static Optional<String> segment(String name) {
        if (name.startsWith("wal/") && name.endsWith(".pgab")) {
            return Optional.of(name.substring(4, name.length() - 5));
        }
        return Optional.empty();
    }

    private String describe(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.length() > 500 ? message.substring(0, 497) + "..." : message;
    }
}

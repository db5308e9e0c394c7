package io.pganalytics.tools.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The backup drill's figures and its verdict: the recovery point (data lost) and the recovery time (destruction to a
 * serving server) against the product's objectives, backup and restore throughput, and an extrapolation to larger
 * databases at the measured rates. MB is 10^6 bytes throughout.
 *
 * @param setting            what was run: collectors, interval, size asked, machine
 * @param databaseBytes      the server's database size when the backup started
 * @param fill               how the old data was written (bulk SQL) and how much of it
 * @param backupSeconds      the backup operation's run time (its startedAt to finishedAt)
 * @param backupBytes        the database bytes the backup holds
 * @param backupStoredBytes  the bytes it takes in the repository (compressed, encrypted)
 * @param restoreSeconds     the restore command's run time
 * @param restoredBytes      the bytes of the restored data directory (base backup plus the WAL it staged)
 * @param restoreReadBytes   the bytes the restore command read from the repository (as it reports them; 0 if it did not)
 * @param startSeconds       from the restored directory in place to /health/ready (WAL replay included)
 * @param rtoSeconds         from the destruction (kill -9) to /health/ready
 * @param point              the recovery point per instance
 * @param fillRowsBefore     the bulk-written rows before the destruction
 * @param fillRowsAfter      the same rows counted in the restored database
 * @param problems           what else went wrong (a failed step), each a failure of the drill
 */
record BackupDrillReport(String setting, long databaseBytes, String fill, double backupSeconds, long backupBytes,
                         long backupStoredBytes, double restoreSeconds, long restoredBytes, long restoreReadBytes, double startSeconds,
                         double rtoSeconds, RecoveryPoint point, long fillRowsBefore, long fillRowsAfter, List<String> problems) {
    static final Duration RPO_OBJECTIVE = Duration.ofMinutes(5);
    static final Duration RTO_OBJECTIVE = Duration.ofHours(1);
    private static final double MB = 1e6;

    BackupDrillReport {
        problems = List.copyOf(problems);
    }

    /** What makes the drill fail: an objective missed, data missing that should not be, a step that failed. */
    List<String> failures() {
        List<String> failures = new ArrayList<>(problems);
        if (point.worst().compareTo(RPO_OBJECTIVE) >= 0) {
            failures.add("RPO " + seconds(point.worst()) + " (" + point.worstInstance() + ") is not under 5 min");
        }
        if (rtoSeconds >= RTO_OBJECTIVE.toSeconds()) {
            failures.add(String.format(Locale.ROOT, "RTO %.1f s is not under 1 h", rtoSeconds));
        }
        if (point.holes() > 0 || point.missingFromBackup() > 0) {
            failures.add((point.holes() + point.missingFromBackup()) + " acknowledged batches missing that the restore had to bring back: "
                    + point.describeHoles());
        }
        if (fillRowsAfter != fillRowsBefore) {
            failures.add("the bulk-written old data had " + fillRowsBefore + " rows before and " + fillRowsAfter + " after the restore");
        }
        return failures;
    }

    /** 0 when the drill passed, 1 otherwise. */
    int exitStatus() {
        return failures().isEmpty() ? 0 : 1;
    }

    void print(PrintStream out) {
        out.println();
        out.println("backup drill: " + setting);
        out.printf(Locale.ROOT, "  database at the backup    %.1f MB (%s)%n", databaseBytes / MB, fill);
        out.printf(Locale.ROOT, "  backup                    %.1f MB in %.1f s: %.1f MB/s (stored %.1f MB, compressed and encrypted)%n",
                backupBytes / MB, backupSeconds, rate(backupBytes, backupSeconds), backupStoredBytes / MB);
        out.printf(Locale.ROOT, "  restore (restore command) %.1f MB written in %.1f s: %.1f MB/s (read %.1f MB from the repository: %.1f MB/s)%n",
                restoredBytes / MB, restoreSeconds, rate(restoredBytes, restoreSeconds), restoreReadBytes / MB,
                rate(restoreReadBytes, restoreSeconds));
        out.printf(Locale.ROOT, "  start to /health/ready    %.1f s (WAL replay, migrations check, listeners)%n", startSeconds);
        out.printf(Locale.ROOT, "  RTO                       %.1f s (kill -9 and loss of <data-dir>/postgres to /health/ready; objective < 1 h)%n",
                rtoSeconds);
        out.printf(Locale.ROOT, "  RPO                       worst %s (%s), best %s over %d instances (objective < 5 min)%n",
                seconds(point.worst()), point.worstInstance(), seconds(point.best()), point.instances().size());
        out.printf(Locale.ROOT, "  acknowledged batches      %d before the loss; %d not restored (the recovery point), %d holes, %d missing from the backup%n",
                point.acknowledged(), point.lost(), point.holes(), point.missingFromBackup());
        out.printf(Locale.ROOT, "  old data (bulk SQL)       %d rows before, %d after%n", fillRowsBefore, fillRowsAfter);
        for (RecoveryPoint.Instance instance : point.instances().subList(0, Math.min(5, point.instances().size()))) {
            out.printf(Locale.ROOT, "    %-10s newest acknowledged %s, newest restored %s: RPO %s%n", instance.name(),
                    instance.newestAcknowledged(), instance.newestRestored() == null ? "none" : instance.newestRestored(),
                    seconds(instance.rpo()));
        }
        if (point.instances().size() > 5) {
            out.println("    ... (" + (point.instances().size() - 5) + " more instances)");
        }
        extrapolate(out);
        List<String> failures = failures();
        out.println("  result                    " + (failures.isEmpty() ? "PASS: RPO < 5 min, RTO < 1 h, nothing missing that the restore had to bring back"
                : "FAIL: " + String.join("; ", failures)));
    }

    /** The RTO and backup time of larger databases at the rates measured here (restore and backup scale with size). */
    private void extrapolate(PrintStream out) {
        double restoreRate = rate(restoredBytes, restoreSeconds);
        double backupRate = rate(backupBytes, backupSeconds);
        if (restoreRate <= 0 || backupRate <= 0) {
            return;
        }
        double fixed = Math.max(0, rtoSeconds - restoreSeconds - startSeconds);
        for (long gigabytes : new long[] {10, 100}) {
            double bytes = gigabytes * 1e9;
            out.printf(Locale.ROOT, "  at %3d GB (extrapolated)  backup %.0f s, restore %.0f s, RTO about %.0f s (start and other steps as measured)%n",
                    gigabytes, bytes / MB / backupRate, bytes / MB / restoreRate, fixed + startSeconds + bytes / MB / restoreRate);
        }
    }

    private static double rate(long bytes, double seconds) {
        return seconds <= 0 ? 0 : bytes / MB / seconds;
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}

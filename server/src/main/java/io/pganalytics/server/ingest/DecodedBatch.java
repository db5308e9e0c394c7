package io.pganalytics.server.ingest;

import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.wire.TargetRef;
import io.pganalytics.server.series.CopyEncoder;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A batch that passed validation, ready to write: per target, each family's rows already COPY-encoded (without the
 * instance id, which the write transaction resolves), plus what the inventory and the live stream need.
 */
record DecodedBatch(String batchId, String collectorVersion, Instant createdAt, List<TargetPart> targets, int rows) {

    Map<String, Integer> rowsPerFamily() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (TargetPart target : targets) {
            target.families().forEach((family, rows) -> counts.merge(family.name(), rows.rows(), Integer::sum));
        }
        return counts;
    }

    /** A statement text of the batch as decoded, for ingest to seal once the instance id is known. */
    record StatementText(Instant collectedAt, Double interval, long dbid, long queryid, String datname, String query) {
    }

    /** A settings row of the batch as decoded, for ingest to seal once the instance id is known. */
    record Setting(Instant collectedAt, Double interval, String name, String value, String unit, String source, Boolean pendingRestart) {
    }

    /** One monitored instance's share of the batch. */
    static final class TargetPart {
        private final TargetRef target;
        private final Map<Family, CopyEncoder> families = new LinkedHashMap<>();
        private final Map<Family, Set<Instant>> times = new LinkedHashMap<>();
        private final Set<String> databases = new LinkedHashSet<>();
        private final List<StatementText> statementTexts = new java.util.ArrayList<>();
        private final List<Setting> settings = new java.util.ArrayList<>();
        private final KeyFigures figures = new KeyFigures();
        private Instant latest = Instant.EPOCH;
        private String serverVersion;
        private Long serverVersionNum;
        private Boolean inRecovery;

        TargetPart(TargetRef target) {
            this.target = target;
        }

        TargetRef target() {
            return target;
        }

        Map<Family, CopyEncoder> families() {
            return families;
        }

        CopyEncoder rows(Family family, Instant collectedAt) {
            times.computeIfAbsent(family, f -> new java.util.TreeSet<>()).add(collectedAt);
            return families.computeIfAbsent(family, f -> new CopyEncoder());
        }

        /** When each family's snapshots were collected: the partitions the write needs. */
        Map<Family, Set<Instant>> times() {
            return times;
        }

        void statementText(StatementText text) {
            statementTexts.add(text);
        }

        /** The statement texts of this instance's share, in batch order (also COPY-encoded in {@link #families()}). */
        List<StatementText> statementTexts() {
            return statementTexts;
        }

        void setting(Setting setting) {
            settings.add(setting);
        }

        /** The settings rows of this instance's share, in batch order (also COPY-encoded in {@link #families()}). */
        List<Setting> settings() {
            return settings;
        }

        Set<String> databases() {
            return databases;
        }

        KeyFigures figures() {
            return figures;
        }

        Instant latest() {
            return latest;
        }

        void seen(Instant collectedAt) {
            if (collectedAt.isAfter(latest)) {
                latest = collectedAt;
            }
        }

        void instanceState(String version, Long versionNum, Boolean recovery) {
            serverVersion = version == null ? serverVersion : version;
            serverVersionNum = versionNum == null ? serverVersionNum : versionNum;
            inRecovery = recovery == null ? inRecovery : recovery;
        }

        String serverVersion() {
            return serverVersion;
        }

        Long serverVersionNum() {
            return serverVersionNum;
        }

        Boolean inRecovery() {
            return inRecovery;
        }
    }
}

package io.pganalytics.server.backup.pgbackrest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.backup.BackupView;
import io.pganalytics.common.backup.RecoveryWindow;
import io.pganalytics.common.backup.VerificationView;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.backup.BackupException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code pgbackrest info --output=json} and {@code pgbackrest repo-ls --recurse --output=json archive/<stanza>}
 * say about one stanza, read into records, and the recovery windows they give.
 */
final class PgBackRestInfo {
    private static final ObjectMapper JSON = JsonMapping.newMapper();
    private static final Pattern SEGMENT = Pattern.compile("(?:^|/)([0-9A-F]{24})-[0-9a-f]{40}(?:\\.[a-z0-9]+)?$");

    /** One backup set in one repository. */
    record Backup(String label, String type, String prior, int repo, Instant start, Instant stop, long size, long repoSize,
                  long repoDelta, String walStart, String walStop, String lsnStart, String lsnStop, boolean error) {
        String kind() {
            return switch (type) {
                case "diff" -> "differential";
                case "incr" -> "incremental";
                default -> "full";
            };
        }

        /**
         * The earliest time the backup restores to: pgBackRest records its stop time in whole seconds, taken after the
         * backup's end, so the next whole second is the first one surely after the consistent point.
         */
        Instant consistentAt() {
            return stop.plusSeconds(1);
        }

        int timeline() {
            return walStart == null ? 1 : Integer.parseInt(walStart.substring(0, 8), 16);
        }
    }

    /** A repository's status line ({@code code} 0 is {@code ok}), its archive range, and the cipher it uses. */
    record Repo(int key, int code, String message, String cipher, String archiveMin, String archiveMax) {
    }

    /** A stanza as {@code info} reports it. */
    record Stanza(String name, int code, String message, boolean backupRunning, List<Repo> repos, List<Backup> backups) {
        List<Backup> in(int repo) {
            return backups.stream().filter(b -> b.repo() == repo).sorted(Comparator.comparing(Backup::stop)).toList();
        }

        Optional<Repo> repo(int key) {
            return repos.stream().filter(r -> r.key() == key).findFirst();
        }
    }

    /** An archived WAL segment in a repository and when it arrived there (second precision). */
    record Segment(String name, Instant archivedAt, long size) {
    }

    private PgBackRestInfo() {
    }

    static Stanza stanza(String json, String stanza) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new BackupException("pgbackrest info: its output is not the JSON expected (" + e.getOriginalMessage() + ")", e);
        }
        for (JsonNode node : root) {
            if (stanza.equals(node.path("name").asText())) {
                return read(node);
            }
        }
        throw new BackupException("pgbackrest info: stanza '" + stanza + "' is not in the repository (run stanza-create)");
    }

    private static Stanza read(JsonNode node) {
        Map<Integer, String[]> archive = new TreeMap<>();
        for (JsonNode a : node.path("archive")) {
            int key = a.path("database").path("repo-key").asInt(1);
            String[] range = archive.computeIfAbsent(key, k -> new String[2]);
            String min = a.path("min").asText(null);
            String max = a.path("max").asText(null);
            if (min != null && (range[0] == null || min.compareTo(range[0]) < 0)) {
                range[0] = min;
            }
            if (max != null && (range[1] == null || max.compareTo(range[1]) > 0)) {
                range[1] = max;
            }
        }
        List<Repo> repos = new ArrayList<>();
        for (JsonNode r : node.path("repo")) {
            int key = r.path("key").asInt();
            String[] range = archive.getOrDefault(key, new String[2]);
            repos.add(new Repo(key, r.path("status").path("code").asInt(), r.path("status").path("message").asText(""),
                    r.path("cipher").asText("none"), range[0], range[1]));
        }
        List<Backup> backups = new ArrayList<>();
        for (JsonNode b : node.path("backup")) {
            JsonNode info = b.path("info");
            backups.add(new Backup(b.path("label").asText(), b.path("type").asText(), b.path("prior").isNull() ? null : b.path("prior").asText(null),
                    b.path("database").path("repo-key").asInt(1),
                    Instant.ofEpochSecond(b.path("timestamp").path("start").asLong()),
                    Instant.ofEpochSecond(b.path("timestamp").path("stop").asLong()),
                    info.path("size").asLong(), info.path("repository").path("size").asLong(), info.path("repository").path("delta").asLong(),
                    b.path("archive").path("start").asText(null), b.path("archive").path("stop").asText(null),
                    b.path("lsn").path("start").asText(null), b.path("lsn").path("stop").asText(null), b.path("error").asBoolean(false)));
        }
        JsonNode status = node.path("status");
        return new Stanza(node.path("name").asText(), status.path("code").asInt(), status.path("message").asText(""),
                status.path("lock").path("backup").path("held").asBoolean(false), repos, backups);
    }

    /** The archived segments (not history or {@code .backup} files) of a {@code repo-ls} listing, in name order. */
    static List<Segment> segments(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new BackupException("pgbackrest repo-ls: its output is not the JSON expected (" + e.getOriginalMessage() + ")", e);
        }
        TreeMap<String, Segment> byName = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            Matcher m = SEGMENT.matcher(entry.getKey());
            if (m.find() && "file".equals(entry.getValue().path("type").asText())) {
                Segment segment = new Segment(m.group(1), Instant.ofEpochSecond(entry.getValue().path("time").asLong()),
                        entry.getValue().path("size").asLong());
                byName.merge(segment.name(), segment, (x, y) -> x.archivedAt().isBefore(y.archivedAt()) ? x : y);
            }
        }
        return List.copyOf(byName.values());
    }

    /**
     * The recovery windows of {@code backups} (one repository's, oldest first) given its archived {@code segments}:
     * each from a backup's stop time to the arrival time of the last segment of the gap-free run of segments that starts
     * at the backup's first WAL segment, cut where the next backup's window starts. A backup whose own WAL
     * ({@code walStart} to {@code walStop}) is not all in the archive gives no window.
     */
    static List<RecoveryWindow> windows(List<Backup> backups, List<Segment> segments) {
        TreeMap<String, Instant> archived = new TreeMap<>();
        segments.forEach(s -> archived.put(s.name(), s.archivedAt()));
        List<RecoveryWindow> raw = new ArrayList<>();
        for (Backup backup : backups) {
            if (backup.walStart() == null || backup.walStop() == null) {
                continue;
            }
            String name = backup.walStart();
            String last = null;
            while (archived.containsKey(name)) {
                last = name;
                name = next(name);
            }
            if (last == null || last.compareTo(backup.walStop()) < 0) {
                continue;
            }
            Instant to = archived.get(last);
            Instant from = backup.consistentAt();
            raw.add(new RecoveryWindow(from, to.isBefore(from) ? from : to, backup.label(), backup.timeline()));
        }
        raw.sort(Comparator.comparing(RecoveryWindow::from));
        List<RecoveryWindow> windows = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            RecoveryWindow w = raw.get(i);
            if (i + 1 < raw.size()) {
                RecoveryWindow next = raw.get(i + 1);
                if (next.timeline() == w.timeline() && !next.from().isAfter(w.to())) {
                    w = new RecoveryWindow(w.from(), next.from(), w.backupId(), w.timeline());
                }
            }
            windows.add(w);
        }
        return windows;
    }

    /** The segment after {@code name} on its timeline (16 MiB segments: 256 per log file). */
    static String next(String name) {
        String timeline = name.substring(0, 8);
        long log = Long.parseLong(name.substring(8, 16), 16);
        long seg = Long.parseLong(name.substring(16, 24), 16);
        if (seg == 0xFF) {
            log++;
            seg = 0;
        } else {
            seg++;
        }
        return timeline + String.format("%08X%08X", log, seg);
    }

    /** A repository-1 backup as the catalogue holds it. */
    static BackupView view(Backup b, String cipher, String requestedBy) {
        return new BackupView(b.label(), "pgbackrest", b.kind(), b.prior(), BackupView.COMPLETE, b.start(), b.stop(), b.consistentAt(),
                b.size(), b.repoDelta(), b.walStart(), b.walStop(), "pgbackrest " + cipher, null,
                new VerificationView("none", null, List.of()), null, requestedBy);
    }
}

package io.pganalytics.server.backup.pgbackrest;

import io.pganalytics.common.backup.BackupView;
import io.pganalytics.common.backup.RecoveryWindow;
import io.pganalytics.common.backup.RepositoryStatus;
import io.pganalytics.common.backup.RestorePlan;
import io.pganalytics.common.backup.WalArchivingStatus;
import io.pganalytics.server.backup.BackupCatalog;
import io.pganalytics.server.backup.BackupConfig;
import io.pganalytics.server.backup.BackupContext;
import io.pganalytics.server.backup.BackupEngine;
import io.pganalytics.server.backup.BackupException;
import io.pganalytics.server.backup.OutsideWindowsException;
import io.pganalytics.server.backup.Progress;
import io.pganalytics.server.files.OwnerOnly;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Backs up an external PostgreSQL (or TimescaleDB) with pgBackRest (docs/backup/pgbackrest.md). pgBackRest does the file
 * IO and encrypts its repositories ({@code aes-256-cbc}); this class writes its configuration, runs its commands, mirrors
 * {@code info} into the catalogue, and reads the recovery windows from the repository itself, so that they are known
 * with the database gone. The second region, when it is a directory, is pgBackRest's repository 2: WAL is archived to
 * both, and each backup is taken into both.
 * <p>
 * Built without a {@code pg-path} (nor {@code pg-host}) it does not fail the server: every operation reports that it is
 * not configured, and {@link #archiving()} and {@link #repositories()} say so.
 */
public final class PgBackRestEngine implements BackupEngine {
    static final String NAME = "pgbackrest";
    private static final Logger LOG = LoggerFactory.getLogger(PgBackRestEngine.class);
    private static final Pattern FILE_PROGRESS = Pattern.compile("\\((\\d+(?:\\.\\d+)?)([KMGTP]?B), (\\d+(?:\\.\\d+)?)%\\)");
    private static final DateTimeFormatter TARGET = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'").withZone(ZoneOffset.UTC);
    /** How long a {@code pgbackrest check} result is reused by {@link #archiving()} (a check switches WAL segments). */
    private static final Duration CHECK_EVERY = Duration.ofMinutes(5);

    private final BackupContext context;
    private final BackupConfig.PgBackRest config;
    private final Path configFile;
    private final Path repo1;
    private final Optional<Path> repo2;
    private final Optional<String> problem;
    private final PgBackRestCommand pgbackrest;
    private final PgBackRestArchiving archiving;
    /** The repository passphrases, for pgBackRest's children only. */
    private final Map<String, String> environment;
    private volatile boolean stanzaReady;

    public PgBackRestEngine(BackupContext context) {
        this.context = context;
        this.config = context.config().pgbackrest();
        this.configFile = PgBackRestSetup.configFile(config, context.dataDir()).toAbsolutePath();
        this.repo1 = PgBackRestSetup.repo1(config, context.dataDir()).toAbsolutePath();
        this.repo2 = PgBackRestSetup.secondRegion(context.config());
        Map<String, String> environment = new HashMap<>();
        Optional<String> trouble = Optional.empty();
        if (config.pgPath().isEmpty() && config.pgHost().isEmpty()) {
            trouble = Optional.of("pgBackRest is not configured: set backup.pgbackrest.pg-path to the database's data directory"
                    + " (and pg-host when pgBackRest reaches it over SSH), see docs/backup/pgbackrest.md");
        } else {
            try {
                PgBackRestSetup.writeConfig(configFile, PgBackRestSetup.configText(context.config(), context.dataDir()));
                String pass = PgBackRestSetup.passphrase(config, context.dataDir(), context.sealing(), new SecureRandom());
                environment.put("PGBACKREST_REPO1_CIPHER_PASS", pass);
                repo2.ifPresent(path -> environment.put("PGBACKREST_REPO2_CIPHER_PASS", pass));
            } catch (IOException | BackupException | io.pganalytics.common.crypto.CryptoException e) {
                trouble = Optional.of("pgBackRest cannot be set up: " + e.getMessage());
            }
        }
        this.problem = trouble;
        this.environment = Map.copyOf(environment);
        problem.ifPresent(p -> LOG.warn("backup engine pgbackrest: {}", p));
        this.pgbackrest = new PgBackRestCommand(config.command(), configFile, config.stanza(), environment, config.timeout());
        this.archiving = new PgBackRestArchiving(context.dataSource(), context.config().archiveTimeout(), CHECK_EVERY, context.clock(),
                this::checkNow);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start() {
        // nothing runs continuously: PostgreSQL's archive_command pushes WAL with pgBackRest itself
    }

    /** A restored copy's {@code archive-get} reads the repository passphrase from its environment, as the server's commands do. */
    @Override
    public Map<String, String> recoveryEnvironment() {
        return environment;
    }

    /** Whether the engine can run at all; the reason when it cannot. */
    public Optional<String> problem() {
        return problem;
    }

    /** {@code stanza-create} (idempotent: an existing stanza of the same database is left as it is), then {@code check}. */
    public void stanzaCreate() {
        requireConfigured();
        pgbackrest.run("stanza-create", List.of());
        stanzaReady = true;
    }

    /** {@code pgbackrest check}: the configuration, the database and WAL archiving into every repository work. */
    public void check() {
        requireConfigured();
        pgbackrest.run("check", List.of());
    }

    @Override
    public String backup(String kind, String id, String requestedBy, Progress progress) {
        String type = switch (kind) {
            case "full" -> "full";
            case "differential" -> "diff";
            case "incremental" -> "incr";
            default -> throw new IllegalArgumentException("pgBackRest takes full, differential or incremental backups, not '" + kind + "'");
        };
        BackupCatalog catalog = context.catalog();
        catalog.started(id, NAME, kind, null, context.clock().instant(), context.nodeName(), requestedBy);
        PgBackRestInfo.Backup made;
        try {
            requireConfigured();
            if (!stanzaReady) {
                progress.phase("stanza-create");
                stanzaCreate();
            }
            Set<String> before = info().in(1).stream().map(PgBackRestInfo.Backup::label).collect(Collectors.toSet());
            progress.phase("backing up (repo1)");
            pgbackrest.run("backup", List.of("--repo=1", "--type=" + type, "--log-level-console=detail"), false, fileProgress(progress));
            PgBackRestInfo.Stanza after = info();
            made = after.in(1).stream().filter(b -> !before.contains(b.label())).reduce((a, b) -> b)
                    .orElseThrow(() -> new BackupException("pgbackrest backup ended well but info shows no new backup in repo1"));
            catalog.relabel(id, made.label(), made.kind(), made.prior());
            catalog.mirror(PgBackRestInfo.view(made, cipher(after, 1), requestedBy), context.nodeName());
        } catch (BackupException e) {
            catalog.failed(id, context.clock().instant(), e.getMessage());
            throw e;
        }
        if (repo2.isPresent()) {
            // repository 1 holds a good backup whatever happens here: a failure leaves it complete, not copied, and the
            // second region's lag (repositories()) shows it
            try {
                progress.phase("backing up (repo2, the second region)");
                pgbackrest.run("backup", List.of("--repo=2", "--type=" + type, "--log-level-console=detail"), false, fileProgress(progress));
                catalog.copied(made.label(), context.clock().instant());
            } catch (BackupException e) {
                LOG.warn("backup {}: repo1 holds it; the second region (repo2) failed: {}", made.label(), e.getMessage());
                String phase = "complete in repo1; repo2 (the second region) failed: " + e.getMessage();
                progress.phase(phase.length() > 200 ? phase.substring(0, 197) + "..." : phase);
                return made.label();
            }
        }
        progress.phase("complete");
        return made.label();
    }

    /**
     * Mirrors repository 1's backups into the catalogue: new ones are added ({@code requestedBy} {@code external} for a
     * backup the server did not take), and catalogue rows of this engine no longer in the repository become expired.
     */
    public List<String> mirror() {
        requireConfigured();
        PgBackRestInfo.Stanza stanza = info();
        return mirror(stanza);
    }

    private List<String> mirror(PgBackRestInfo.Stanza stanza) {
        Set<String> present = new java.util.HashSet<>();
        String cipher = cipher(stanza, 1);
        for (PgBackRestInfo.Backup backup : stanza.in(1)) {
            present.add(backup.label());
            context.catalog().mirror(PgBackRestInfo.view(backup, cipher, "external"), context.nodeName());
        }
        List<String> gone = new ArrayList<>();
        for (BackupView row : context.catalog().complete()) {
            if (NAME.equals(row.engine()) && !present.contains(row.id())) {
                context.catalog().expired(row.id());
                gone.add(row.id());
            }
        }
        return gone;
    }

    @Override
    public List<RecoveryWindow> windows() {
        requireConfigured();
        return PgBackRestInfo.windows(info().in(1), segments(1));
    }

    @Override
    public RestorePlan plan(Optional<Instant> to, Path target) {
        requireConfigured();
        requireEmpty(target);
        PgBackRestInfo.Stanza stanza = info();
        List<PgBackRestInfo.Segment> segments = segments(1);
        List<RecoveryWindow> windows = PgBackRestInfo.windows(stanza.in(1), segments);
        RecoveryWindow window;
        if (to.isEmpty()) {
            window = windows.stream().reduce((a, b) -> b).orElseThrow(() -> new OutsideWindowsException(context.clock().instant(), windows));
        } else {
            window = windows.stream().filter(w -> w.contains(to.get())).reduce((a, b) -> b)
                    .orElseThrow(() -> new OutsideWindowsException(to.get(), windows));
        }
        PgBackRestInfo.Backup backup = stanza.in(1).stream().filter(b -> b.label().equals(window.backupId())).findFirst().orElseThrow();
        Instant until = to.orElse(window.to());
        List<PgBackRestInfo.Segment> replayed = segments.stream()
                .filter(s -> s.name().compareTo(backup.walStart()) >= 0)
                .takeWhile(s -> to.isEmpty() || !s.archivedAt().isAfter(until) || s.name().compareTo(backup.walStop()) <= 0)
                .toList();
        List<PgBackRestInfo.Segment> needed = new ArrayList<>(replayed);
        if (to.isPresent()) {
            // the segment that holds the target time is the first one that arrived at or after it
            segments.stream().filter(s -> s.name().compareTo(backup.walStart()) >= 0 && s.archivedAt().isAfter(until)).findFirst()
                    .ifPresent(needed::add);
        }
        String walTo = needed.isEmpty() ? backup.walStop() : needed.getLast().name();
        long bytes = backup.repoSize() + needed.stream().mapToLong(PgBackRestInfo.Segment::size).sum();
        List<String> steps = List.of(
                "pgbackrest restore of backup set " + backup.label() + " (" + backup.kind() + ") from repo1 into " + target.toAbsolutePath(),
                to.isEmpty() ? "recovery replays all archived WAL (to " + walTo + ", arrived " + window.to() + "), then promotes"
                        : "recovery replays WAL to " + until + " (--type=time), then promotes (--target-action=promote)",
                "archiving is off in the restored copy (--archive-mode=off), so that it never writes into the live stanza's archive",
                "start it with " + postgresBinText() + "/pg_ctl -D " + target.toAbsolutePath() + " as the database's account, on a free port,"
                        + " with the repository passphrase where its restore_command (pgbackrest archive-get) finds it:"
                        + " PGBACKREST_REPO1_CIPHER_PASS" + (repo2.isPresent() ? " and PGBACKREST_REPO2_CIPHER_PASS" : "")
                        + " in its environment, or repo1-cipher-pass in that host's pgbackrest.conf");
        List<String> warnings = new ArrayList<>();
        if (to.isPresent() && Duration.between(until, window.to()).compareTo(context.config().archiveTimeout()) < 0) {
            warnings.add("the time asked is within archive-timeout of the newest archived WAL: if no transaction after it is archived yet,"
                    + " PostgreSQL stops recovery with 'recovery ended before configured recovery target was reached'");
        }
        warnings.add("when the restored copy replaces the database, turn archiving back on (ALTER SYSTEM RESET archive_mode) and take a"
                + " full backup: the restore starts a new timeline");
        return new RestorePlan(until, to.isEmpty(), backup.label(), backup.consistentAt(), backup.walStart(), walTo, bytes,
                target.toAbsolutePath().toString(), steps, warnings);
    }

    @Override
    public void restore(RestorePlan plan, Progress progress) {
        requireConfigured();
        Path target = Path.of(plan.target());
        requireEmpty(target);
        try {
            if (!Files.exists(target)) {
                OwnerOnly.directory(target);
            }
        } catch (IOException e) {
            throw new BackupException("restore target " + target + " cannot be created: " + e.getMessage(), e);
        }
        List<String> options = new ArrayList<>(List.of("--repo=1", "--pg1-path=" + target, "--set=" + plan.backupId(),
                "--archive-mode=off", "--log-level-console=detail"));
        if (config.pgHost().isPresent()) {
            options.add("--reset-pg1-host");  // the new directory is on this host
        }
        if (plan.latest()) {
            options.add("--type=default");
        } else {
            options.add("--type=time");
            options.add("--target=" + TARGET.format(plan.to()));
            options.add("--target-action=promote");
        }
        progress.phase("restoring " + plan.backupId() + " into " + target);
        pgbackrest.run("restore", options, false, fileProgress(progress));
        progress.phase("restored: start it to replay WAL");
    }

    @Override
    public Path postgresBin() {
        return context.config().verify().postgresBin().orElseThrow(() -> new BackupException(
                "backup.verify.postgres-bin is not set: name the bin/ directory of the database's PostgreSQL major version"
                        + " (Debian: /usr/lib/postgresql/<major>/bin) so that a restored copy can be started"));
    }

    private String postgresBinText() {
        return context.config().verify().postgresBin().map(Path::toString).orElse("<postgres-bin>");
    }

    @Override
    public List<String> expire(int retainFull, Instant oldestKept) {
        requireConfigured();
        PgBackRestInfo.Stanza stanza = info();
        List<Integer> repos = repo2.isPresent() ? List.of(1, 2) : List.of(1);
        for (int repo : repos) {
            List<PgBackRestInfo.Backup> fulls = stanza.in(repo).stream().filter(b -> b.type().equals("full")).toList();
            long young = fulls.stream().filter(b -> !b.stop().isBefore(oldestKept)).count();
            long keep = Math.max(retainFull, young);
            // a full backup goes only when it is both beyond the count and older than oldestKept; its WAL goes with it
            pgbackrest.run("expire", List.of("--repo=" + repo, "--repo" + repo + "-retention-full-type=count",
                    "--repo" + repo + "-retention-full=" + Math.max(1, keep)));
        }
        return mirror(info());
    }

    @Override
    public List<RepositoryStatus> repositories() {
        if (problem.isPresent()) {
            return List.of(new RepositoryStatus(RepositoryStatus.PRIMARY, NAME, repo1.toString(), false, null, null, null, null,
                    problem.get(), null));
        }
        PgBackRestInfo.Stanza stanza;
        try {
            stanza = info();
        } catch (BackupException e) {
            List<RepositoryStatus> failed = new ArrayList<>();
            failed.add(new RepositoryStatus(RepositoryStatus.PRIMARY, NAME, repo1.toString(), false, null, null, null, null, e.getMessage(), null));
            repo2.ifPresent(path -> failed.add(new RepositoryStatus(RepositoryStatus.SECOND_REGION, NAME, path.toString(), false, null, null,
                    null, null, e.getMessage(), null)));
            return failed;
        }
        List<RepositoryStatus> result = new ArrayList<>();
        List<PgBackRestInfo.Segment> primarySegments = segmentsOrEmpty(1);
        result.add(status(RepositoryStatus.PRIMARY, repo1, stanza, 1, primarySegments, null));
        repo2.ifPresent(path -> {
            List<PgBackRestInfo.Segment> second = segmentsOrEmpty(2);
            long lag = PgBackRestRepositories.lagSeconds(stanza.in(1), stanza.in(2), primarySegments, second, context.clock().instant());
            result.add(status(RepositoryStatus.SECOND_REGION, path.toAbsolutePath(), stanza, 2, second, lag));
        });
        return result;
    }

    private RepositoryStatus status(String role, Path path, PgBackRestInfo.Stanza stanza, int key, List<PgBackRestInfo.Segment> segments, Long lag) {
        Optional<PgBackRestInfo.Repo> repo = stanza.repo(key);
        int code = repo.map(PgBackRestInfo.Repo::code).orElse(99);
        // 0 ok, 2 no valid backups (yet), 6 a backup or expire runs: the repository works
        boolean reachable = code == 0 || code == 2 || code == 6;
        String error = reachable ? null : "repo" + key + ": " + repo.map(PgBackRestInfo.Repo::message).orElse("not in pgbackrest info");
        String warning = code == 2 ? "repo" + key + " holds no valid backup yet" : null;
        if (warning == null && config.pgPath().isPresent() && sameFileSystem(path, config.pgPath().get())) {
            warning = "repo" + key + " is on the database's own filesystem: a lost disk loses both";
        }
        Long used = stanza.in(key).stream().mapToLong(PgBackRestInfo.Backup::repoDelta).sum()
                + segments.stream().mapToLong(PgBackRestInfo.Segment::size).sum();
        Instant newest = Stream.concat(stanza.in(key).stream().map(PgBackRestInfo.Backup::stop),
                segments.stream().map(PgBackRestInfo.Segment::archivedAt)).max(Instant::compareTo).orElse(null);
        return new RepositoryStatus(role, NAME, path.toString(), reachable, used, freeBytes(path), newest, lag, error, warning);
    }

    private static Long freeBytes(Path path) {
        try {
            return Files.getFileStore(path).getUsableSpace();
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean sameFileSystem(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.getFileStore(a).equals(Files.getFileStore(b));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public WalArchivingStatus archiving() {
        if (problem.isPresent()) {
            return new WalArchivingStatus(false, null, null, 0, true, problem.get(), PgBackRestArchiving.text(context.config().archiveTimeout()));
        }
        return archiving.status();
    }

    private Optional<String> checkNow() {
        try {
            pgbackrest.run("check", List.of());
            return Optional.empty();
        } catch (BackupException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public void close() {
        // no thread of its own: a running pgBackRest command ends by its timeout
    }

    PgBackRestInfo.Stanza info() {
        return PgBackRestInfo.stanza(pgbackrest.output("info", List.of("--output=json")).out(), config.stanza());
    }

    private List<PgBackRestInfo.Segment> segments(int repo) {
        String json = pgbackrest.output("repo-ls", List.of("--repo=" + repo, "--recurse", "--output=json", "archive/" + config.stanza())).out();
        return PgBackRestInfo.segments(json);
    }

    private List<PgBackRestInfo.Segment> segmentsOrEmpty(int repo) {
        try {
            return segments(repo);
        } catch (BackupException e) {
            return List.of();
        }
    }

    private static String cipher(PgBackRestInfo.Stanza stanza, int repo) {
        return stanza.repo(repo).map(PgBackRestInfo.Repo::cipher).orElse("none");
    }

    private void requireConfigured() {
        problem.ifPresent(p -> {
            throw new BackupException(p);
        });
    }

    private static void requireEmpty(Path target) {
        if (!Files.exists(target)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new BackupException("restore target " + target + " is not a directory");
        }
        try (Stream<Path> entries = Files.list(target)) {
            if (entries.findAny().isPresent()) {
                throw new BackupException("restore target " + target + " is not empty: a restore goes into a new or empty directory only");
            }
        } catch (IOException e) {
            throw new BackupException("restore target " + target + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Reads pgBackRest's {@code detail} lines ({@code backup file ... (16MB, 45.67%)}) into bytes done of a total. */
    private static Consumer<String> fileProgress(Progress progress) {
        long[] done = {0};
        return line -> {
            Matcher m = FILE_PROGRESS.matcher(line);
            if (m.find()) {
                done[0] += bytes(Double.parseDouble(m.group(1)), m.group(2));
                double percent = Double.parseDouble(m.group(3));
                long total = percent > 0 ? Math.max(done[0], Math.round(done[0] * 100 / percent)) : -1;
                progress.bytes(done[0], total);
            }
        };
    }

    static long bytes(double value, String unit) {
        int shift = switch (unit) {
            case "KB" -> 10;
            case "MB" -> 20;
            case "GB" -> 30;
            case "TB" -> 40;
            case "PB" -> 50;
            default -> 0;
        };
        return Math.round(value * (1L << shift));
    }
}

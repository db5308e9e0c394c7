package io.pganalytics.server.anomaly.hints;

import io.pganalytics.common.anomaly.AnomalyHint;
import io.pganalytics.server.anomaly.HintFinder;
import io.pganalytics.server.crypto.Sealer;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Root-cause hints from the stored raw families of the instance for the anomaly's window: the series that moved
 * ({@link Context#moves()}), statements whose time grew, new statements, settings changed, blocking chains and vacuum,
 * ranked by {@link Ranking}. Every read is bounded: the window (at most {@link #MAX_WINDOW}, its latest part), the
 * instance's {@code (instance_id, collected_at)} index, and a LIMIT. Missing data gives fewer hints, never an error.
 */
public final class SqlHintFinder implements HintFinder {
    /** The longest window read: a longer one keeps its latest part (where the anomaly is). */
    static final Duration MAX_WINDOW = Duration.ofHours(6);
    /** A series that stayed inside its band is a hint only from this score (robust sigmas) on. */
    static final double MIN_MOVE_SCORE = 3.0;
    /** The score at which a move's magnitude is 1. */
    static final double FULL_MOVE_SCORE = 10.0;

    private final StatementHints statements;
    private final LockHints locks;
    private final SettingHints settings;
    private final VacuumHints vacuum = new VacuumHints();

    /**
     * @param sealer opens statement texts that ingest sealed ({@code encryption.statement-texts}); texts stored as they
     *               are need none, and a text it cannot open is named by its queryid
     */
    public SqlHintFinder(Sealer sealer) {
        Texts texts = new Texts(Objects.requireNonNull(sealer, "sealer"));
        this.settings = new SettingHints(sealer);
        this.statements = new StatementHints(texts);
        this.locks = new LockHints(texts);
    }

    @Override
    public List<AnomalyHint> hints(Connection c, Context context, int max) throws SQLException {
        if (max <= 0 || !context.from().isBefore(context.to())) {
            return List.of();
        }
        Instant to = context.to();
        Instant from = context.from().isBefore(to.minus(MAX_WINDOW)) ? to.minus(MAX_WINDOW) : context.from();
        List<Found> found = new ArrayList<>(moves(context));
        found.addAll(statements.find(c, context, from, to));
        found.addAll(settings.find(c, context.instanceId(), from, to));
        found.addAll(locks.find(c, context.instanceId(), from, to));
        found.addAll(vacuum.find(c, context.instanceId(), from, to));
        return ranked(found, context, max);
    }

    /** The other series that left their band, or scored high without leaving it; magnitude: score / 10. */
    private static List<Found> moves(Context context) {
        List<Found> found = new ArrayList<>();
        for (Move move : context.moves()) {
            if (move.series().equals(context.series()) || !Double.isFinite(move.maxScore())
                    || (move.departedAt() == null && Math.abs(move.maxScore()) < MIN_MOVE_SCORE)) {
                continue;
            }
            String score = String.format(Locale.ROOT, "peak score %.1f", Math.abs(move.maxScore()));
            found.add(new Found(AnomalyHint.METRIC, move.series(), when(move.departedAt(), context.startedAt()) + ", " + score,
                    "series:" + move.series(), Math.abs(move.maxScore()) / FULL_MOVE_SCORE, move.departedAt()));
        }
        return found;
    }

    private static String when(Instant departedAt, Instant startedAt) {
        if (departedAt == null) {
            return "stayed inside its band";
        }
        Duration lead = Duration.between(departedAt, startedAt);
        if (lead.isZero()) {
            return "left its band with the anomaly";
        }
        String amount = Rows.seconds(Math.abs(lead.toMillis()) / 1000.0);
        return lead.isNegative() ? "left its band " + amount + " after the anomaly began"
                : "left its band " + amount + " before the anomaly";
    }

    /** Weighted, one per link (the heaviest), heaviest first, then earliest; at most {@code max}, ranked 1..n. */
    static List<AnomalyHint> ranked(List<Found> found, Context context, int max) {
        Map<String, AnomalyHint> byRef = new LinkedHashMap<>();
        for (Found f : found) {
            AnomalyHint hint = new AnomalyHint(0, f.type(), f.subject(), f.detail(), f.ref(), Ranking.weight(f, context), f.at());
            byRef.merge(hint.ref(), hint, (a, b) -> b.weight() > a.weight() ? b : a);
        }
        List<AnomalyHint> sorted = byRef.values().stream()
                .sorted(Comparator.comparingDouble(AnomalyHint::weight).reversed()
                        .thenComparing(AnomalyHint::at, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(AnomalyHint::ref))
                .limit(max)
                .toList();
        List<AnomalyHint> hints = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            AnomalyHint h = sorted.get(i);
            hints.add(new AnomalyHint(i + 1, h.type(), h.subject(), h.detail(), h.ref(), h.weight(), h.at()));
        }
        return List.copyOf(hints);
    }
}

package io.pganalytics.server.anomaly.hints;

import io.pganalytics.common.anomaly.AnomalyHint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Blocking chains in the window (locks family: one row per waiting backend and sample, with its chain's root): per
 * root pid, its application and state, the backends it blocked, the longest wait and the statement most of them ran.
 * The locks family carries the query of the waiters, not the root's: the root's statement is known when the root itself
 * waited in a sample of the window (then a statement hint names it too).
 *
 * <p>Magnitude: half from the longest wait (a minute is 1), half from the backends blocked (five are 1).
 */
final class LockHints {
    /** The chains read per window, most blocked first. */
    static final int MAX_CHAINS = 10;

    private static final String CHAINS = """
            SELECT root_pid, count(DISTINCT pid) AS blocked, max(wait_seconds) AS longest_wait, max(chain_depth) AS depth,
                   min(collected_at) AS first_at, max(collected_at) AS last_at,
                   (array_agg(root_application_name ORDER BY collected_at DESC))[1] AS application,
                   (array_agg(root_state ORDER BY collected_at DESC))[1] AS state,
                   max(root_transaction_seconds) AS transaction_seconds,
                   (array_agg(datname ORDER BY collected_at DESC))[1] AS datname,
                   mode() WITHIN GROUP (ORDER BY query_id) AS waiter_query
            FROM ts.locks
            WHERE instance_id = ? AND collected_at >= ? AND collected_at <= ? AND root_pid IS NOT NULL
            GROUP BY root_pid
            ORDER BY count(DISTINCT pid) DESC, max(wait_seconds) DESC NULLS LAST, root_pid
            LIMIT ?
            """;

    private record Chain(long rootPid, long blocked, double longestWait, Instant firstAt, String application, String state,
                         Double transactionSeconds, String datname, Long waiterQuery) {
    }

    private final Texts texts;

    LockHints(Texts texts) {
        this.texts = texts;
    }

    List<Found> find(Connection c, long instanceId, Instant from, Instant to) throws SQLException {
        List<Chain> chains = new ArrayList<>();
        try (PreparedStatement ps = Rows.prepare(c, CHAINS, instanceId, from, to, MAX_CHAINS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                double transaction = rs.getDouble("transaction_seconds");
                chains.add(new Chain(rs.getLong("root_pid"), rs.getLong("blocked"), rs.getDouble("longest_wait"),
                        Rows.instant(rs, "first_at"), rs.getString("application"), rs.getString("state"),
                        rs.wasNull() ? null : transaction, rs.getString("datname"), Rows.longOrNull(rs, "waiter_query")));
            }
        }
        if (chains.isEmpty()) {
            return List.of();
        }
        Map<Long, Long> rootQueries = rootQueries(c, instanceId, from, to, chains);
        List<Long> ids = new ArrayList<>(rootQueries.values());
        chains.stream().filter(ch -> ch.waiterQuery() != null).forEach(ch -> ids.add(ch.waiterQuery()));
        Map<Long, String> text = texts.of(c, instanceId, ids);
        List<Found> found = new ArrayList<>();
        for (Chain chain : chains) {
            double magnitude = 0.5 * Ranking.clamp(chain.longestWait() / 60) + 0.5 * Ranking.clamp(chain.blocked() / 5.0);
            Long rootQuery = rootQueries.get(chain.rootPid());
            StringBuilder detail = new StringBuilder("root ").append(chain.state() == null ? "(state unknown)" : chain.state());
            if (chain.transactionSeconds() != null) {
                detail.append(", transaction open ").append(Rows.seconds(chain.transactionSeconds()));
            }
            detail.append("; blocks ").append(chain.blocked()).append(chain.blocked() == 1 ? " backend" : " backends")
                    .append(", longest wait ").append(Rows.seconds(chain.longestWait()));
            if (rootQuery != null) {
                detail.append("; root ran: ").append(Texts.subject(text, rootQuery));
            }
            if (chain.waiterQuery() != null) {
                detail.append("; waiters run: ").append(Texts.subject(text, chain.waiterQuery()));
            }
            String subject = "pid " + chain.rootPid() + (chain.application() == null || chain.application().isEmpty() ? ""
                    : " (" + chain.application() + ")") + (chain.datname() == null ? "" : " in " + chain.datname());
            Found lock = new Found(AnomalyHint.LOCK, subject, detail.toString(), "lock:" + chain.rootPid(), magnitude,
                    chain.firstAt());
            found.add(lock);
            if (rootQuery != null) {
                found.add(new Found(AnomalyHint.STATEMENT, Texts.subject(text, rootQuery),
                        "run by pid " + chain.rootPid() + ", the root of a blocking chain of " + chain.blocked() + " backends",
                        "query:" + rootQuery, magnitude, chain.firstAt()));
            }
        }
        return found;
    }

    /** The latest statement each root pid ran while it waited itself in the window, when it did. */
    private static Map<Long, Long> rootQueries(Connection c, long instanceId, Instant from, Instant to, List<Chain> chains)
            throws SQLException {
        long[] roots = chains.stream().mapToLong(Chain::rootPid).toArray();
        Map<Long, Long> queries = new HashMap<>();
        try (PreparedStatement ps = Rows.prepare(c, "SELECT DISTINCT ON (pid) pid, query_id FROM ts.locks"
                        + " WHERE instance_id = ? AND collected_at >= ? AND collected_at <= ? AND pid = ANY (?) AND query_id IS NOT NULL"
                        + " ORDER BY pid, collected_at DESC", instanceId, from, to, roots);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                queries.put(rs.getLong("pid"), rs.getLong("query_id"));
            }
        }
        return queries;
    }
}

package io.pganalytics.collector.catalog;

import io.pganalytics.common.wire.TargetRef;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which query texts the server has. Per target, each (dbid, queryid) is either acknowledged (a batch holding its
 * text was committed by the server) or claimed (its text is in a batch on its way). A text is sent when it is
 * neither, so it goes once and again only when its batch was lost; a claim that is neither acknowledged nor reported
 * lost within {@code claimTimeout} (a notification that never came) lapses and the text is sent again.
 * <p>
 * Bounded: at most {@code maxKeysPerTarget} keys per target, least recently wanted forgotten first (a forgotten
 * text is sent again, which the server ignores). Forgotten on restart, for the same reason. Thread-safe.
 */
public final class QueryTextLedger {
    /** A text's identity on one target. */
    public record TextKey(long dbid, long queryid) {
    }

    /** Keys remembered per target unless told otherwise: pg_stat_statements.max is 5,000 by default. */
    public static final int DEFAULT_MAX_KEYS = 50_000;
    private static final long ACKNOWLEDGED = Long.MIN_VALUE;

    private final int maxKeysPerTarget;
    private final long claimTimeoutMillis;
    private final Map<TargetRef, LinkedHashMap<TextKey, Long>> targets = new HashMap<>();

    public QueryTextLedger(int maxKeysPerTarget, Duration claimTimeout) {
        if (maxKeysPerTarget < 1) {
            throw new IllegalArgumentException("maxKeysPerTarget must be positive: " + maxKeysPerTarget);
        }
        this.maxKeysPerTarget = maxKeysPerTarget;
        this.claimTimeoutMillis = claimTimeout.toMillis();
    }

    /** Of {@code wanted}, the keys whose text must be sent now; they are claimed as of {@code now}. */
    public synchronized List<TextKey> claim(TargetRef target, Collection<TextKey> wanted, Instant now) {
        LinkedHashMap<TextKey, Long> known = keys(target);
        long at = now.toEpochMilli();
        List<TextKey> out = new ArrayList<>();
        for (TextKey key : wanted) {
            Long state = known.get(key);
            if (state == null || (state != ACKNOWLEDGED && at - state >= claimTimeoutMillis)) {
                known.put(key, at);
                out.add(key);
            }
        }
        return out;
    }

    /** The server committed these texts. */
    public synchronized void acknowledged(TargetRef target, Collection<TextKey> keys) {
        LinkedHashMap<TextKey, Long> known = keys(target);
        for (TextKey key : keys) {
            known.put(key, ACKNOWLEDGED);
        }
    }

    /** These texts will not arrive (their batch was lost, or the text could not be read): send them again. */
    public synchronized void lost(TargetRef target, Collection<TextKey> keys) {
        LinkedHashMap<TextKey, Long> known = targets.get(target);
        if (known == null) {
            return;
        }
        for (TextKey key : keys) {
            Long state = known.get(key);
            if (state != null && state != ACKNOWLEDGED) {
                known.remove(key);
            }
        }
    }

    /** Whether the server has acknowledged this text. */
    public synchronized boolean isAcknowledged(TargetRef target, TextKey key) {
        LinkedHashMap<TextKey, Long> known = targets.get(target);
        Long state = known == null ? null : known.get(key);
        return state != null && state == ACKNOWLEDGED;
    }

    /** Keys remembered for {@code target}, acknowledged or claimed. */
    public synchronized int size(TargetRef target) {
        LinkedHashMap<TextKey, Long> known = targets.get(target);
        return known == null ? 0 : known.size();
    }

    private LinkedHashMap<TextKey, Long> keys(TargetRef target) {
        return targets.computeIfAbsent(target, t -> new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<TextKey, Long> eldest) {
                return size() > maxKeysPerTarget;
            }
        });
    }
}

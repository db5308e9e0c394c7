package io.pganalytics.collector;

import io.pganalytics.collector.catalog.QueryTextLedger;
import io.pganalytics.collector.catalog.QueryTextLedger.TextKey;
import io.pganalytics.collector.spool.DeliveryListener;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.wire.Snapshot;
import io.pganalytics.common.wire.TargetRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Tells the {@link QueryTextLedger} what became of the query texts the batcher spooled: acknowledged when their batch
 * was, sent again when it was lost or never spooled. Keeps, per spooled batch holding texts, which texts it holds
 * (at most {@code maxBatches}; past that the oldest batch's texts are treated as lost, so at worst a text goes twice).
 */
final class QueryTextReceipts implements DeliveryListener {
    private record Receipt(TargetRef target, List<TextKey> keys) {
    }

    private final QueryTextLedger ledger;
    private final int maxBatches;
    private final NavigableMap<Long, List<Receipt>> pending = new TreeMap<>();
    /** The highest sequence acknowledged so far: a batch spooled at or below it was delivered already. */
    private long deliveredUpTo = -1;

    QueryTextReceipts(QueryTextLedger ledger, int maxBatches) {
        this.ledger = ledger;
        this.maxBatches = maxBatches;
    }

    @Override
    public void spooled(long sequence, List<Snapshot> snapshots) {
        List<Receipt> receipts = receipts(snapshots);
        if (receipts.isEmpty()) {
            return;
        }
        List<Receipt> evicted = null;
        synchronized (this) {
            if (sequence <= deliveredUpTo) {
                receipts.forEach(r -> ledger.acknowledged(r.target(), r.keys()));
                return;
            }
            pending.put(sequence, receipts);
            if (pending.size() > maxBatches) {
                evicted = pending.pollFirstEntry().getValue();
            }
        }
        if (evicted != null) {
            evicted.forEach(r -> ledger.lost(r.target(), r.keys()));
        }
    }

    @Override
    public void unspooled(List<Snapshot> snapshots) {
        receipts(snapshots).forEach(r -> ledger.lost(r.target(), r.keys()));
    }

    @Override
    public void delivered(long sequence) {
        List<Receipt> done = new ArrayList<>();
        synchronized (this) {
            deliveredUpTo = Math.max(deliveredUpTo, sequence);
            NavigableMap<Long, List<Receipt>> head = pending.headMap(sequence, true);
            head.values().forEach(done::addAll);
            head.clear();
        }
        done.forEach(r -> ledger.acknowledged(r.target(), r.keys()));
    }

    @Override
    public void lost(long fromSequence, long toSequence) {
        List<Receipt> gone = new ArrayList<>();
        synchronized (this) {
            NavigableMap<Long, List<Receipt>> range = pending.subMap(fromSequence, true, toSequence, true);
            range.values().forEach(gone::addAll);
            range.clear();
        }
        gone.forEach(r -> ledger.lost(r.target(), r.keys()));
    }

    synchronized int pendingBatches() {
        return pending.size();
    }

    private static List<Receipt> receipts(List<Snapshot> snapshots) {
        List<Receipt> out = new ArrayList<>();
        for (Snapshot snapshot : snapshots) {
            if (!MetricCatalog.STATEMENT_TEXTS.name().equals(snapshot.family())) {
                continue;
            }
            int dbid = snapshot.columns().indexOf("dbid");
            int queryid = snapshot.columns().indexOf("queryid");
            if (dbid < 0 || queryid < 0) {
                continue;
            }
            List<TextKey> keys = new ArrayList<>(snapshot.rows().size());
            for (List<Object> row : snapshot.rows()) {
                if (row.get(dbid) instanceof Number d && row.get(queryid) instanceof Number q) {
                    keys.add(new TextKey(d.longValue(), q.longValue()));
                }
            }
            if (!keys.isEmpty()) {
                out.add(new Receipt(snapshot.target(), keys));
            }
        }
        return out;
    }

}

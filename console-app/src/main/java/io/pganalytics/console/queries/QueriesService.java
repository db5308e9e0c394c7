package io.pganalytics.console.queries;

import io.pganalytics.common.query.QueryDetail;
import io.pganalytics.common.query.TopQueries;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.common.Background;

import java.time.Instant;
import java.util.function.Consumer;

/** Top queries and one query's detail, off the FX thread. */
public final class QueriesService {
    static final int TOP = 100;

    private final ConsoleApi api;
    private final Background background;

    public QueriesService(ConsoleApi api, Background background) {
        this.api = api;
        this.background = background;
    }

    public void top(long id, Instant from, Instant to, String orderBy, Consumer<TopQueries> onTop, Consumer<Throwable> onFailure) {
        background.run(() -> api.topQueries(id, from, to, orderBy, TOP), onTop, onFailure);
    }

    public void detail(long id, long queryid, Instant from, Instant to, Consumer<QueryDetail> onDetail, Consumer<Throwable> onFailure) {
        background.run(() -> api.query(id, queryid, from, to), onDetail, onFailure);
    }
}

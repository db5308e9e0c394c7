package io.pganalytics.console.tables;

import io.pganalytics.common.query.IndexPage;
import io.pganalytics.common.query.TablePage;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.common.Background;

import java.time.Instant;
import java.util.function.Consumer;

/** Tables and indexes, off the FX thread. */
public final class TablesService {
    static final int LIMIT = 500;

    private final ConsoleApi api;
    private final Background background;

    public TablesService(ConsoleApi api, Background background) {
        this.api = api;
        this.background = background;
    }

    public void tables(long id, Instant from, Instant to, Consumer<TablePage> onPage, Consumer<Throwable> onFailure) {
        background.run(() -> api.tables(id, from, to, LIMIT), onPage, onFailure);
    }

    public void indexes(long id, Instant from, Instant to, Consumer<IndexPage> onPage, Consumer<Throwable> onFailure) {
        background.run(() -> api.indexes(id, from, to, LIMIT), onPage, onFailure);
    }
}

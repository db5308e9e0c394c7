package io.pganalytics.console.tables;

import io.pganalytics.common.query.IndexPage;
import io.pganalytics.common.query.IndexStat;
import io.pganalytics.common.query.TablePage;
import io.pganalytics.common.query.TableStat;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.common.TimeRange;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Locale;

/** An instance's tables and indexes over the range; unused indexes counted for the headline. */
public final class TablesViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(TablesViewModel.class);

    private final TablesService service;
    private final long instanceId;
    private final ObjectProperty<TimeRange> range;
    private final Clock clock;

    private final ObservableList<TableStat> tables = FXCollections.observableArrayList();
    private final ObservableList<IndexStat> indexes = FXCollections.observableArrayList();
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final javafx.beans.property.ObjectProperty<TableStat> selected = new javafx.beans.property.SimpleObjectProperty<>();
    /** A table to select once the list holds it, as {@code datname.schema.relname} (a root-cause hint led here). */
    private String focus;
    private final StringProperty tableSummary = new SimpleStringProperty("");
    private final StringProperty indexSummary = new SimpleStringProperty("");
    private final StringProperty problem = new SimpleStringProperty("");
    private int pending;
    private boolean started;

    public TablesViewModel(TablesService service, long instanceId, ObjectProperty<TimeRange> range, Clock clock) {
        this.service = service;
        this.instanceId = instanceId;
        this.range = range;
        this.clock = clock;
        range.addListener((o, a, b) -> {
            if (started) {
                refresh();
            }
        });
    }

    public void start() {
        if (!started) {
            started = true;
            refresh();
        }
    }

    public void refresh() {
        TimeRange current = range.get();
        busy.set(true);
        pending = 2;
        service.tables(instanceId, current.start(clock), current.end(clock), this::tablesLoaded, this::failed);
        service.indexes(instanceId, current.start(clock), current.end(clock), this::indexesLoaded, this::failed);
    }

    private void tablesLoaded(TablePage page) {
        done();
        tables.setAll(page.items());
        long dead = page.items().stream().mapToLong(t -> t.deadTuples() == null ? 0 : t.deadTuples()).sum();
        tableSummary.set(String.format(Locale.ROOT, "%d table%s  ·  %,d dead tuples", page.total(), page.total() == 1 ? "" : "s", dead));
        if (focus != null) {
            String wanted = focus;
            focus = null;
            select(wanted, true);
        }
    }

    /** Selects the table {@code datname.schema.relname}, now or once the list is read (a root-cause hint led here). */
    public void focus(String qualified) {
        start();
        select(qualified, false);
    }

    private void select(String qualified, boolean loaded) {
        TableStat found = tables.stream().filter(t -> qualified.equals(t.datname() + "." + t.schemaname() + "." + t.relname())
                || qualified.equals(t.schemaname() + "." + t.relname())).findFirst().orElse(null);
        if (found != null) {
            selected.set(found);
        } else if (!loaded && (tables.isEmpty() || busy.get())) {
            focus = qualified;
        } else {
            problem.set("Table " + qualified + " is not among the tables listed for this range.");
        }
    }

    /** The table selected by a root-cause hint; the view selects and shows it. */
    public javafx.beans.property.ObjectProperty<TableStat> selectedProperty() {
        return selected;
    }

    private void indexesLoaded(IndexPage page) {
        done();
        indexes.setAll(page.items());
        long unused = page.items().stream().filter(IndexStat::unused).count();
        indexSummary.set(String.format(Locale.ROOT, "%d index%s  ·  %d unused in this range", page.total(),
                page.total() == 1 ? "" : "es", unused));
    }

    private void done() {
        pending = Math.max(0, pending - 1);
        busy.set(pending > 0);
        problem.set("");
    }

    private void failed(Throwable failure) {
        pending = Math.max(0, pending - 1);
        busy.set(pending > 0);
        if (failure instanceof ApiException e) {
            if (e.kind() != ApiException.Kind.SESSION_EXPIRED) {
                LOG.info("instance {} tables: {}", instanceId, e.getMessage(), e.getCause());
                problem.set(e.getMessage());
            }
        } else {
            LOG.error("instance {} tables", instanceId, failure);
            problem.set("Tables and indexes could not be loaded: " + failure.getMessage());
        }
    }

    public ObservableList<TableStat> tables() {
        return tables;
    }

    public ObservableList<IndexStat> indexes() {
        return indexes;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    public ReadOnlyStringProperty tableSummaryProperty() {
        return tableSummary;
    }

    public ReadOnlyStringProperty indexSummaryProperty() {
        return indexSummary;
    }

    public ReadOnlyStringProperty problemProperty() {
        return problem;
    }
}

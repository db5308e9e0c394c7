package io.pganalytics.console.queries;

import io.pganalytics.common.query.QueryDetail;
import io.pganalytics.common.query.QueryPoint;
import io.pganalytics.common.query.QueryStat;
import io.pganalytics.common.query.TopQueries;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.common.TimeRange;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Locale;

/** The top statements over the range in the chosen order, and the selected one's full text and timeline. */
public final class QueriesViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(QueriesViewModel.class);

    private final QueriesService service;
    private final long instanceId;
    private final ObjectProperty<TimeRange> range;
    private final Clock clock;

    private final ObservableList<QueryStat> queries = FXCollections.observableArrayList();
    private final ObjectProperty<QueryOrder> order = new SimpleObjectProperty<>(QueryOrder.TOTAL_TIME);
    private final ObjectProperty<QueryStat> selected = new SimpleObjectProperty<>();
    private final StringProperty text = new SimpleStringProperty("");
    private final StringProperty detailTitle = new SimpleStringProperty("Select a statement to see its full text and timeline.");
    private final ObjectProperty<List<QueryPoint>> timeline = new SimpleObjectProperty<>(List.of());
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final StringProperty summary = new SimpleStringProperty("");
    private final StringProperty problem = new SimpleStringProperty("");
    private boolean started;
    /** A statement to select once the list holds it (a root-cause hint led here). */
    private Long focus;

    public QueriesViewModel(QueriesService service, long instanceId, ObjectProperty<TimeRange> range, Clock clock) {
        this.service = service;
        this.instanceId = instanceId;
        this.range = range;
        this.clock = clock;
        order.addListener((o, a, b) -> refresh());
        range.addListener((o, a, b) -> {
            if (started) {
                refresh();
            }
        });
        selected.addListener((o, a, query) -> loadDetail(query));
    }

    /** Loads on first show; later shows keep what is there. */
    public void start() {
        if (!started) {
            started = true;
            refresh();
        }
    }

    public void refresh() {
        busy.set(true);
        TimeRange current = range.get();
        service.top(instanceId, current.start(clock), current.end(clock), order.get().wireName(), this::loaded, this::failed);
    }

    private void loaded(TopQueries top) {
        busy.set(false);
        problem.set("");
        Long keep = selected.get() == null ? null : selected.get().queryid();
        queries.setAll(top.items());
        summary.set(String.format(Locale.ROOT, "%d statement%s ran in the range (resolution %s); the top %d by %s",
                top.total(), top.total() == 1 ? "" : "s", top.resolution(), top.items().size(),
                order.get().toString().toLowerCase(Locale.ROOT)));
        if (keep != null) {
            queries.stream().filter(q -> q.queryid() == keep).findFirst().ifPresent(selected::set);
        }
        if (focus != null) {
            focus(focus);
        }
    }

    /** Selects the statement {@code queryid}: at once when listed, else when a load lists it (a root-cause hint led here). */
    public void focus(long queryid) {
        start();
        QueryStat found = queries.stream().filter(q -> q.queryid() == queryid).findFirst().orElse(null);
        if (found != null) {
            focus = null;
            selected.set(found);
        } else if (!busy.get() && !queries.isEmpty()) {
            focus = null;
            problem.set("Statement " + queryid + " is not among the top statements of this range by " + order.get().toString()
                    .toLowerCase(Locale.ROOT) + ": widen the range or change the order.");
        } else {
            focus = queryid;
        }
    }

    private void loadDetail(QueryStat query) {
        if (query == null) {
            text.set("");
            timeline.set(List.of());
            detailTitle.set("Select a statement to see its full text and timeline.");
            return;
        }
        text.set(query.text() == null ? "" : query.text());
        detailTitle.set("queryid " + query.queryid() + "  ·  " + query.datname());
        TimeRange current = range.get();
        service.detail(instanceId, query.queryid(), current.start(clock), current.end(clock), this::detailLoaded, this::failed);
    }

    private void detailLoaded(QueryDetail detail) {
        if (selected.get() == null || selected.get().queryid() != detail.queryid()) {
            return;
        }
        if (detail.text() != null) {
            text.set(detail.text());
        }
        timeline.set(detail.timeline());
    }

    private void failed(Throwable failure) {
        busy.set(false);
        if (failure instanceof ApiException e) {
            if (e.kind() != ApiException.Kind.SESSION_EXPIRED) {
                LOG.info("instance {} queries: {}", instanceId, e.getMessage(), e.getCause());
                problem.set(e.getMessage());
            }
        } else {
            LOG.error("instance {} queries", instanceId, failure);
            problem.set("The queries could not be loaded: " + failure.getMessage());
        }
    }

    public ObservableList<QueryStat> queries() {
        return queries;
    }

    public ObjectProperty<QueryOrder> orderProperty() {
        return order;
    }

    public ObjectProperty<QueryStat> selectedProperty() {
        return selected;
    }

    public ReadOnlyStringProperty textProperty() {
        return text;
    }

    public ReadOnlyStringProperty detailTitleProperty() {
        return detailTitle;
    }

    public ReadOnlyObjectProperty<List<QueryPoint>> timelineProperty() {
        return timeline;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary;
    }

    public ReadOnlyStringProperty problemProperty() {
        return problem;
    }
}

package io.pganalytics.console.fleet;

import io.pganalytics.common.query.InstancePage;
import io.pganalytics.common.query.InstanceStatus;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.console.api.ApiException;
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
import javafx.collections.transformation.FilteredList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/** The fleet: every instance, a search box and a status filter, refreshed every 15 seconds. */
public final class FleetViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(FleetViewModel.class);
    static final Duration REFRESH_EVERY = Duration.ofSeconds(15);

    private final FleetService service;
    private final Consumer<InstanceSummary> onOpen;

    private final ObservableList<InstanceSummary> instances = FXCollections.observableArrayList();
    private final FilteredList<InstanceSummary> visible = new FilteredList<>(instances, i -> true);
    private final StringProperty search = new SimpleStringProperty("");
    private final ObjectProperty<InstanceStatus> statusFilter = new SimpleObjectProperty<>();
    private final StringProperty summary = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final BooleanProperty loaded = new SimpleBooleanProperty();
    private final StringProperty problem = new SimpleStringProperty("");
    private final ObjectProperty<Instant> updatedAt = new SimpleObjectProperty<>();
    private ScheduledFuture<?> timer;

    public FleetViewModel(FleetService service, Consumer<InstanceSummary> onOpen) {
        this.service = service;
        this.onOpen = onOpen;
        search.addListener((o, a, b) -> filter());
        statusFilter.addListener((o, a, b) -> filter());
    }

    /** Loads now and every {@link #REFRESH_EVERY} until {@link #stop()}. */
    public void start() {
        refresh();
        if (timer == null) {
            timer = service.every(REFRESH_EVERY, this::refresh);
        }
    }

    public void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    public void refresh() {
        if (busy.get()) {
            return;
        }
        busy.set(true);
        service.load(this::loaded, this::failed);
    }

    public void open(InstanceSummary instance) {
        if (instance != null) {
            onOpen.accept(instance);
        }
    }

    private void loaded(InstancePage page) {
        busy.set(false);
        problem.set("");
        instances.setAll(page.items());
        loaded.set(true);
        updatedAt.set(Instant.now());
        Map<String, Long> counts = page.counts();
        summary.set(String.format(Locale.ROOT, "%d instance%s  ·  %d up  ·  %d stale  ·  %d down", page.total(),
                page.total() == 1 ? "" : "s", counts.getOrDefault(InstanceStatus.UP.wireName(), 0L),
                counts.getOrDefault(InstanceStatus.STALE.wireName(), 0L), counts.getOrDefault(InstanceStatus.DOWN.wireName(), 0L)));
    }

    private void failed(Throwable failure) {
        busy.set(false);
        if (failure instanceof ApiException e) {
            if (e.kind() == ApiException.Kind.SESSION_EXPIRED) {
                return; // the application returns to the sign-in screen
            }
            LOG.info("loading the fleet: {}", e.getMessage(), e.getCause());
            problem.set(e.kind() == ApiException.Kind.UNREACHABLE
                    ? e.getMessage() + " Showing the last data; retrying every " + REFRESH_EVERY.toSeconds() + " s."
                    : e.getMessage());
        } else {
            LOG.error("loading the fleet", failure);
            problem.set("The fleet could not be loaded: " + failure.getMessage());
        }
    }

    private void filter() {
        String text = search.get() == null ? "" : search.get().strip().toLowerCase(Locale.ROOT);
        InstanceStatus status = statusFilter.get();
        visible.setPredicate(i -> (status == null || i.status() == status)
                && (text.isEmpty() || contains(i.name(), text) || contains(i.host(), text) || contains(i.version(), text)
                || contains(i.role(), text)));
    }

    private static boolean contains(String value, String text) {
        return value != null && value.toLowerCase(Locale.ROOT).contains(text);
    }

    public ObservableList<InstanceSummary> visibleInstances() {
        return visible;
    }

    public StringProperty searchProperty() {
        return search;
    }

    public ObjectProperty<InstanceStatus> statusFilterProperty() {
        return statusFilter;
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    public ReadOnlyBooleanProperty loadedProperty() {
        return loaded;
    }

    public ReadOnlyStringProperty problemProperty() {
        return problem;
    }

    public ReadOnlyObjectProperty<Instant> updatedAtProperty() {
        return updatedAt;
    }
}

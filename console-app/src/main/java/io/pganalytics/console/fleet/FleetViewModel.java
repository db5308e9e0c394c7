package io.pganalytics.console.fleet;

import io.pganalytics.common.alerting.AlertCounts;
import io.pganalytics.common.backup.InstanceArchiving;
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
import javafx.collections.ObservableMap;
import javafx.collections.transformation.FilteredList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * The fleet: every instance, a search box and a status filter, and each instance's own WAL archiving (a column and an
 * alert naming the instances that stopped archiving), each instance's firing alerts (a badge by the worst severity),
 * refreshed every 15 seconds.
 */
public final class FleetViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(FleetViewModel.class);
    static final Duration REFRESH_EVERY = Duration.ofSeconds(15);
    /** The most instance names the archiving alert lists. */
    static final int MAX_NAMED = 5;

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
    private final ObservableMap<Long, InstanceArchiving> archiving = FXCollections.observableHashMap();
    private final StringProperty archivingAlert = new SimpleStringProperty("");
    private final ObservableMap<Long, AlertCounts> alertCounts = FXCollections.observableHashMap();
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
        service.loadArchiving(this::archivingLoaded, this::archivingFailed);
        service.loadAlertCounts(this::alertCountsLoaded, failure -> LOG.debug("loading the alert counts: {}", failure.getMessage()));
    }

    /** The Alerts column's badge for an instance: empty when nothing fires. */
    public AlertBadge alertBadge(long instanceId) {
        return AlertBadge.of(alertCounts.get(instanceId));
    }

    /** The instances' firing alert counts by id; the table listens to it to redraw the column. */
    public ObservableMap<Long, AlertCounts> alertCounts() {
        return alertCounts;
    }

    private void alertCountsLoaded(List<AlertCounts> list) {
        Map<Long, AlertCounts> byId = new HashMap<>();
        list.forEach(c -> byId.put(c.instanceId(), c));
        alertCounts.keySet().retainAll(byId.keySet());
        alertCounts.putAll(byId);
    }

    /** The Archiving column's badge for an instance (a dash until the server answered). */
    public ArchivingBadge archivingBadge(long instanceId) {
        return ArchivingBadge.of(archiving.get(instanceId), Instant.now());
    }

    /** The instances' archiving by id; the table listens to it to redraw the column. */
    public ObservableMap<Long, InstanceArchiving> archiving() {
        return archiving;
    }

    /** "2 instances stopped archiving: orders (failing), billing (stale)", or empty when none did. */
    public ReadOnlyStringProperty archivingAlertProperty() {
        return archivingAlert;
    }

    private void archivingLoaded(List<InstanceArchiving> list) {
        Map<Long, InstanceArchiving> byId = new HashMap<>();
        List<String> stopped = new ArrayList<>();
        for (InstanceArchiving a : list) {
            try {
                byId.put(Long.parseLong(a.instanceId()), a);
            } catch (NumberFormatException e) {
                continue;
            }
            if (InstanceArchiving.FAILING.equals(a.state()) || InstanceArchiving.STALE.equals(a.state())) {
                stopped.add(a.instanceName() + " (" + a.state() + ")");
            }
        }
        archiving.keySet().retainAll(byId.keySet());
        archiving.putAll(byId);
        int shown = Math.min(stopped.size(), MAX_NAMED);
        archivingAlert.set(stopped.isEmpty() ? "" : stopped.size() + (stopped.size() == 1 ? " instance" : " instances")
                + " stopped archiving WAL: " + String.join(", ", stopped.subList(0, shown))
                + (stopped.size() > shown ? " and " + (stopped.size() - shown) + " more" : ""));
    }

    private void archivingFailed(Throwable failure) {
        // the fleet's own problem banner reports an unreachable server; an older server without /archiving shows dashes
        LOG.debug("loading the archiving: {}", failure.getMessage());
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

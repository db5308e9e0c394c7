package io.pganalytics.console.admin;

import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.keys.DataKeyView;
import io.pganalytics.common.keys.KekVersionView;
import io.pganalytics.common.keys.KeyStatus;
import io.pganalytics.common.keys.ProtectedItemView;
import io.pganalytics.common.keys.RewrapView;
import io.pganalytics.common.keys.RotateRequest;
import io.pganalytics.common.keys.RotateResult;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.common.Figures;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.stream.Collectors;

/**
 * The keys tab: where the key-encryption key lives, its versions, the data keys, what is sealed under each, and the
 * re-wrap job (read again every {@link #REFRESH_WHILE_RUNNING} while it runs). Rotate and the two retires are confirmed
 * in the server's own confirmation (its summary, shown by {@link AdminService}), the re-wrap here first; the server's
 * refusals (still in use, not allowed) are shown as it words them.
 */
public final class KeysViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(KeysViewModel.class);
    static final Duration REFRESH_WHILE_RUNNING = Duration.ofSeconds(2);

    private final AdminService service;
    private final Confirmation confirmation;
    private final StringProperty providerKind = new SimpleStringProperty("");
    private final StringProperty providerLocation = new SimpleStringProperty("");
    private final StringProperty providerManagement = new SimpleStringProperty("");
    private final BooleanProperty canManage = new SimpleBooleanProperty(false);
    private final StringProperty current = new SimpleStringProperty("");
    private final ObservableList<KekVersionView> kekVersions = FXCollections.observableArrayList();
    private final ObservableList<DataKeyView> dataKeys = FXCollections.observableArrayList();
    private final ObservableList<ProtectedItemView> protectedItems = FXCollections.observableArrayList();
    private final ObjectProperty<DataKeyView> selectedDataKey = new SimpleObjectProperty<>();
    private final ObjectProperty<KekVersionView> selectedKekVersion = new SimpleObjectProperty<>();
    private final BooleanProperty newKekVersion = new SimpleBooleanProperty(true);
    private final DoubleProperty rewrapProgress = new SimpleDoubleProperty(0);
    private final StringProperty rewrapSummary = new SimpleStringProperty("");
    private final StringProperty rewrapError = new SimpleStringProperty("");
    private final BooleanProperty rewrapRunning = new SimpleBooleanProperty(false);
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private volatile ScheduledFuture<?> refresh;
    private boolean stopped;

    public KeysViewModel(AdminService service, Confirmation confirmation) {
        this.service = service;
        this.confirmation = confirmation;
    }

    /** Reads the keys' state; while a re-wrap runs, reads it again every {@link #REFRESH_WHILE_RUNNING} until {@link #stop}. */
    public void load() {
        stopped = false;
        service.keys(this::show, failure -> failed("Reading the keys", failure));
    }

    /** Stops refreshing (the screen is closed). */
    public void stop() {
        stopped = true;
        if (refresh != null) {
            refresh.cancel(false);
            refresh = null;
        }
    }

    void show(KeyStatus keys) {
        providerKind.set(keys.provider().kind());
        providerLocation.set(keys.provider().location());
        canManage.set(keys.provider().canManage());
        providerManagement.set(keys.provider().canManage() ? "The server creates and destroys key-encryption key versions here."
                : "Read-only for the server: new key-encryption key versions are made outside it; rotation makes a new data key only.");
        if (!keys.provider().canManage()) {
            newKekVersion.set(false);
        }
        current.set("Data key " + keys.currentDataKey() + ", wrapped by key-encryption key version " + keys.currentKekVersion() + ".");
        kekVersions.setAll(keys.kekVersions());
        dataKeys.setAll(keys.dataKeys());
        protectedItems.setAll(keys.protectedItems());
        reselect(keys);
        showRewrap(keys.rewrap());
    }

    private void reselect(KeyStatus keys) {
        DataKeyView key = selectedDataKey.get();
        selectedDataKey.set(key == null ? null : keys.dataKeys().stream().filter(k -> k.id() == key.id()).findFirst().orElse(null));
        KekVersionView version = selectedKekVersion.get();
        selectedKekVersion.set(version == null ? null
                : keys.kekVersions().stream().filter(v -> v.version() == version.version()).findFirst().orElse(null));
    }

    private void showRewrap(RewrapView rewrap) {
        boolean running = rewrap != null && "running".equals(rewrap.state());
        rewrapRunning.set(running);
        rewrapProgress.set(progress(rewrap));
        rewrapSummary.set(rewrapSummary(rewrap));
        rewrapError.set(rewrap == null || rewrap.error() == null || rewrap.error().isBlank() ? "" : "The re-wrap failed: " + rewrap.error());
        if (running && refresh == null && !stopped) {
            refresh = service.every(REFRESH_WHILE_RUNNING, () -> service.keys(this::show, failure -> failed("Reading the keys", failure)));
        } else if (!running && refresh != null) {
            refresh.cancel(false);
            refresh = null;
        }
    }

    /** Whether a re-wrap refresh is scheduled (for tests). */
    boolean refreshing() {
        return refresh != null;
    }

    // ---- actions: rotate and retire are confirmed in the dialog of the server's confirmation (AdminService), the
    // re-wrap (which the server does not ask to confirm: it changes no key) in this view-model's own

    public void rotate() {
        boolean withKek = newKekVersion.get() && canManage.get();
        busy.set(true);
        service.rotateKeys(new RotateRequest(withKek), result -> {
            busy.set(false);
            done(rotated(result));
        }, failure -> {
            busy.set(false);
            failed("Rotating the keys", failure);
        });
    }

    public void startRewrap() {
        confirmation.ask("Start a re-wrap", "The server re-seals every value still under an older data key with the current one, "
                + "a batch at a time, on one node. It resumes where it stopped if that node stops.", "Start", () -> {
                    busy.set(true);
                    service.startRewrap(rewrap -> {
                        busy.set(false);
                        done("Re-wrap " + rewrap.state() + ": " + values(rewrap.total()) + " to move to data key "
                                + (rewrap.targetKey() == null ? Figures.NONE : rewrap.targetKey()) + ".");
                    }, failure -> {
                        busy.set(false);
                        failed("Starting the re-wrap", failure);
                    });
                });
    }

    public void retireDataKey() {
        DataKeyView key = selectedDataKey.get();
        if (key == null) {
            error.set("Select a data key to retire.");
            return;
        }
        busy.set(true);
        service.retireDataKey(key.id(), ok -> {
            busy.set(false);
            done("Retired data key " + key.id() + ": it is erased.");
        }, failure -> {
            busy.set(false);
            failed("Retiring data key " + key.id(), failure);
        });
    }

    public void retireKekVersion() {
        KekVersionView version = selectedKekVersion.get();
        if (version == null) {
            error.set("Select a key-encryption key version to retire.");
            return;
        }
        busy.set(true);
        service.retireKekVersion(version.version(), ok -> {
            busy.set(false);
            done("Retired key-encryption key version " + version.version() + ": the provider destroyed it.");
        }, failure -> {
            busy.set(false);
            failed("Retiring key-encryption key version " + version.version(), failure);
        });
    }

    private void done(String sentence) {
        error.set("");
        status.set(sentence);
        load();
    }

    private void failed(String what, Throwable failure) {
        status.set("");
        if (failure instanceof AdminService.Cancelled cancelled) {
            error.set("");
            status.set(cancelled.getMessage());
        } else if (failure instanceof ApiException e) {
            LOG.info("{}: {}", what, e.getMessage());
            error.set(refusal(what, e));
        } else {
            LOG.error(what, failure);
            error.set(what + " failed: " + failure.getMessage());
        }
    }

    // ---- what the rows and lines say

    /** The server's refusal as a sentence: what was refused, why, and what it named (the columns still using a key). */
    static String refusal(String what, ApiException e) {
        String details = e.error().map(err -> err.details().stream().map(KeysViewModel::detail).collect(Collectors.joining("; ")))
                .orElse("");
        String lead = e.is(ErrorType.CONFLICT) ? what + " was refused: " : e.is(ErrorType.FORBIDDEN)
                ? what + " is not allowed: " : what + " failed: ";
        return lead + e.getMessage() + (details.isEmpty() ? "" : " (" + details + ")");
    }

    private static String detail(ErrorDetail detail) {
        return detail.field().isEmpty() ? detail.problem() : detail.field() + ": " + detail.problem();
    }

    static String rotated(RotateResult result) {
        return "Data key " + result.dataKey() + " is now current, wrapped by key-encryption key version " + result.kekVersion()
                + (result.kekVersionCreated() ? " (created now)" : "") + "."
                + (result.rewrap() == null ? "" : " The re-wrap moves " + values(result.rewrap().total()) + " under older keys.");
    }

    /** From 0 to 1; a run with nothing to move is complete; never ran is 0. */
    static double progress(RewrapView rewrap) {
        if (rewrap == null || rewrap.state() == null || "idle".equals(rewrap.state())) {
            return 0;
        }
        if (rewrap.total() <= 0) {
            return "done".equals(rewrap.state()) ? 1 : 0;
        }
        return Math.min(1, (double) rewrap.done() / rewrap.total());
    }

    /** "running: 1,200 of 5,000 values · 812.0 values/s · on node-a" (or "never ran"). */
    static String rewrapSummary(RewrapView rewrap) {
        if (rewrap == null || rewrap.state() == null || "idle".equals(rewrap.state())) {
            return "The re-wrap never ran.";
        }
        StringBuilder line = new StringBuilder(rewrap.state()).append(": ")
                .append(Figures.count(rewrap.done())).append(" of ").append(values(rewrap.total()))
                .append(" · ").append(String.format(Locale.ROOT, "%.1f", rewrap.rate())).append(" values/s");
        if (rewrap.targetKey() != null) {
            line.append(" · to data key ").append(rewrap.targetKey());
        }
        if (rewrap.node() != null && !rewrap.node().isBlank()) {
            line.append(" · on ").append(rewrap.node());
        }
        if (rewrap.finishedAt() != null) {
            line.append(" · finished ").append(Figures.time(rewrap.finishedAt()));
        } else if (rewrap.startedAt() != null) {
            line.append(" · started ").append(Figures.time(rewrap.startedAt()));
        }
        return line.toString();
    }

    static String values(long count) {
        return Figures.count(count) + (count == 1 ? " value" : " values");
    }

    static String created(DataKeyView key) {
        return Figures.time(key.createdAt()) + (key.createdBy() == null || key.createdBy().isBlank() ? "" : " by " + key.createdBy());
    }

    static String state(DataKeyView key) {
        return "retired".equals(key.state()) && key.retiredAt() != null ? "retired " + Figures.time(key.retiredAt()) : key.state();
    }

    // ---- properties

    public ReadOnlyStringProperty providerKindProperty() {
        return providerKind;
    }

    public ReadOnlyStringProperty providerLocationProperty() {
        return providerLocation;
    }

    public ReadOnlyStringProperty providerManagementProperty() {
        return providerManagement;
    }

    /** Whether the server can create key-encryption key versions in the provider (else rotation is data key only). */
    public ReadOnlyBooleanProperty canManageProperty() {
        return canManage;
    }

    /** The current data key and the version wrapping it, as a sentence. */
    public ReadOnlyStringProperty currentProperty() {
        return current;
    }

    public ObservableList<KekVersionView> kekVersions() {
        return kekVersions;
    }

    public ObservableList<DataKeyView> dataKeys() {
        return dataKeys;
    }

    public ObservableList<ProtectedItemView> protectedItems() {
        return protectedItems;
    }

    public ObjectProperty<DataKeyView> selectedDataKeyProperty() {
        return selectedDataKey;
    }

    public ObjectProperty<KekVersionView> selectedKekVersionProperty() {
        return selectedKekVersion;
    }

    /** Rotate the key-encryption key too (a new version), not only the data key. */
    public BooleanProperty newKekVersionProperty() {
        return newKekVersion;
    }

    public ReadOnlyDoubleProperty rewrapProgressProperty() {
        return rewrapProgress;
    }

    public ReadOnlyStringProperty rewrapSummaryProperty() {
        return rewrapSummary;
    }

    public ReadOnlyStringProperty rewrapErrorProperty() {
        return rewrapError;
    }

    public ReadOnlyBooleanProperty rewrapRunningProperty() {
        return rewrapRunning;
    }

    /** An action is on its way to the server. */
    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    public ReadOnlyStringProperty statusProperty() {
        return status;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }
}

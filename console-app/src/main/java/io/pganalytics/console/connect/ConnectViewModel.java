package io.pganalytics.console.connect;

import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.api.KnownServer;
import io.pganalytics.console.api.Probe;
import io.pganalytics.console.api.ServerAddress;
import io.pganalytics.console.common.Figures;
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

import java.util.function.Consumer;

/**
 * The connect screen: an address, first contact, and (for a certificate nobody vouches for) the question whether to
 * trust it, with its fingerprint to compare against the one the server logged.
 */
public final class ConnectViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectViewModel.class);

    private final ConnectService service;
    private final Consumer<ConsoleApi> onConnected;

    private final StringProperty address = new SimpleStringProperty("");
    private final ObservableList<String> knownServers = FXCollections.observableArrayList();
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final StringProperty error = new SimpleStringProperty("");
    private final ObjectProperty<Probe> pendingDecision = new SimpleObjectProperty<>();
    private final StringProperty decisionTitle = new SimpleStringProperty("");
    private final StringProperty decisionText = new SimpleStringProperty("");
    private final BooleanProperty certificateChanged = new SimpleBooleanProperty();
    private final BooleanProperty decisionPending = new SimpleBooleanProperty();
    private final StringProperty fingerprint = new SimpleStringProperty("");
    private final StringProperty certificateDetails = new SimpleStringProperty("");
    private String expectedFingerprint;

    public ConnectViewModel(ConnectService service, Consumer<ConsoleApi> onConnected) {
        this.service = service;
        this.onConnected = onConnected;
        pendingDecision.addListener((o, old, probe) -> {
            decisionPending.set(probe != null);
            fingerprint.set(probe == null || probe.fingerprint() == null ? "" : probe.fingerprint());
            certificateDetails.set(probe == null ? "" : probe.subject() + "  ·  valid until " + Figures.time(probe.notAfter()));
        });
        service.knownServers().stream().map(KnownServer::url).forEach(knownServers::add);
        if (!knownServers.isEmpty()) {
            address.set(knownServers.getFirst());
        }
    }

    /**
     * Connects, trusting the server's certificate without asking if its SHA-256 fingerprint is exactly
     * {@code fingerprint} (given on the command line by whoever started the server); any other certificate is put to
     * the person as usual.
     */
    public void connectExpecting(String fingerprint) {
        expectedFingerprint = fingerprint == null ? null : normalise(fingerprint);
        connect();
    }

    private static String normalise(String fingerprint) {
        return fingerprint.trim().replace(":", "").toUpperCase(java.util.Locale.ROOT);
    }

    /** Makes first contact with the server at {@link #addressProperty()}. */
    public void connect() {
        if (busy.get()) {
            return;
        }
        ServerAddress parsed;
        try {
            parsed = ServerAddress.parse(address.get());
        } catch (IllegalArgumentException e) {
            error.set(e.getMessage());
            return;
        }
        error.set("");
        pendingDecision.set(null);
        busy.set(true);
        service.probe(parsed, this::probed, this::failed);
    }

    /** The person compared the fingerprint and trusts the certificate: pin it and go on. */
    public void trust() {
        Probe probe = pendingDecision.get();
        if (probe == null) {
            return;
        }
        busy.set(true);
        service.trustAndOpen(probe, this::connected, this::failed);
    }

    public void cancelTrust() {
        pendingDecision.set(null);
        certificateChanged.set(false);
        error.set("Not connected: the certificate was not trusted.");
    }

    private void probed(Probe probe) {
        if (probe.needsDecision() && expectedFingerprint != null && probe.fingerprint() != null
                && expectedFingerprint.equals(normalise(probe.fingerprint()))) {
            LOG.info("connect to {}: certificate {} trusted as given on the command line", probe.address(), probe.fingerprint());
            service.trustAndOpen(probe, this::connected, this::failed);
            return;
        }
        if (probe.needsDecision() && expectedFingerprint != null) {
            error.set("The server's certificate is not the one given with --trust-fingerprint: compare it below before trusting it.");
        }
        if (probe.needsDecision()) {
            busy.set(false);
            boolean changed = probe.verdict() == Probe.Verdict.CERTIFICATE_CHANGED;
            certificateChanged.set(changed);
            decisionTitle.set(changed ? "WARNING: the server's certificate has changed"
                    : "First connection to " + probe.address().host());
            decisionText.set(changed
                    ? "The certificate of " + probe.address() + " is not the one you trusted before. This happens when the server's"
                    + " certificate was renewed or replaced, but also when someone intercepts the connection. Trust the new"
                    + " certificate only if its administrator confirms the fingerprint below.\n\nPinned before: "
                    + probe.pinnedFingerprint()
                    : "No certificate authority vouches for this server's certificate (it is self-signed). Compare the fingerprint"
                    + " below with the one the server logged at start-up (\"TLS: certificate ... SHA-256 fingerprint\"). Trust it only"
                    + " if they match: the console will then accept exactly this certificate from " + probe.address() + ".");
            pendingDecision.set(probe);
            return;
        }
        if (probe.verdict() == Probe.Verdict.TRUSTED_BY_AUTHORITY || probe.verdict() == Probe.Verdict.UNENCRYPTED) {
            service.trustAndOpen(probe, this::connected, this::failed);
        } else {
            service.open(probe.address(), this::connected, this::failed);
        }
    }

    private void connected(ConsoleApi api) {
        busy.set(false);
        pendingDecision.set(null);
        certificateChanged.set(false);
        onConnected.accept(api);
    }

    private void failed(Throwable failure) {
        busy.set(false);
        if (failure instanceof ApiException e) {
            LOG.info("connect to {}: {}", address.get(), e.getMessage(), e.getCause());
            error.set(e.getMessage());
        } else {
            LOG.error("connect to {}", address.get(), failure);
            error.set("Could not connect: " + failure.getMessage());
        }
    }

    public StringProperty addressProperty() {
        return address;
    }

    public ObservableList<String> knownServers() {
        return knownServers;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }

    public ReadOnlyObjectProperty<Probe> pendingDecisionProperty() {
        return pendingDecision;
    }

    public ReadOnlyStringProperty decisionTitleProperty() {
        return decisionTitle;
    }

    public ReadOnlyStringProperty decisionTextProperty() {
        return decisionText;
    }

    public ReadOnlyBooleanProperty decisionPendingProperty() {
        return decisionPending;
    }

    public ReadOnlyStringProperty fingerprintProperty() {
        return fingerprint;
    }

    public ReadOnlyStringProperty certificateDetailsProperty() {
        return certificateDetails;
    }

    public ReadOnlyBooleanProperty certificateChangedProperty() {
        return certificateChanged;
    }
}

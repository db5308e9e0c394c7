package io.pganalytics.console.admin;

import io.pganalytics.common.collectors.CollectorView;
import io.pganalytics.common.collectors.CreateRegistrationTokenRequest;
import io.pganalytics.common.collectors.RegistrationTokenState;
import io.pganalytics.common.collectors.RegistrationTokenView;
import io.pganalytics.console.api.ApiException;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collectors tab: the registered collectors (revoke one) and the registration tokens (issue one, whose secret is
 * shown here once, for one collector or several, and revoke one with uses left). Revocations are confirmed first; the server's own confirmation, when
 * it asks for one, is answered by {@link AdminService#confirmed}.
 */
public final class CollectorsViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorsViewModel.class);
    /** The longest expiry the form accepts; the server refuses more than {@code collectors.registration-token-max-ttl}. */
    static final int MAX_HOURS = 24 * 30;

    private final AdminService service;
    private final Confirmation confirmation;
    private final ObservableList<CollectorView> collectors = FXCollections.observableArrayList();
    private final ObservableList<RegistrationTokenView> tokens = FXCollections.observableArrayList();
    private final ObjectProperty<CollectorView> selectedCollector = new SimpleObjectProperty<>();
    private final ObjectProperty<RegistrationTokenView> selectedToken = new SimpleObjectProperty<>();
    private final StringProperty note = new SimpleStringProperty("");
    private final StringProperty expiresInHours = new SimpleStringProperty("24");
    private final StringProperty maxUses = new SimpleStringProperty("1");
    private final StringProperty createdToken = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");

    public CollectorsViewModel(AdminService service, Confirmation confirmation) {
        this.service = service;
        this.confirmation = confirmation;
    }

    public void load() {
        service.collectors(page -> collectors.setAll(page.items()), failure -> failed("Reading the collectors", failure));
        loadTokens();
    }

    private void loadTokens() {
        service.registrationTokens(page -> tokens.setAll(page.items()), failure -> failed("Reading the registration tokens", failure));
    }

    /** Issues a token; its secret is shown in {@link #createdTokenProperty()} until the next issue or until cleared. */
    public void createToken() {
        String hours = expiresInHours.get() == null ? "" : expiresInHours.get().strip();
        Long seconds = null;
        if (!hours.isEmpty()) {
            if (!hours.matches("\\d{1,4}") || Integer.parseInt(hours) < 1 || Integer.parseInt(hours) > MAX_HOURS) {
                error.set("Expires in: a whole number of hours from 1 to " + MAX_HOURS + ".");
                return;
            }
            seconds = Long.parseLong(hours) * 3600;
        }
        String uses = maxUses.get() == null ? "" : maxUses.get().strip();
        int max = CreateRegistrationTokenRequest.MAX_USES;
        if (!uses.matches("\\d{1,5}") || Integer.parseInt(uses) < 1 || Integer.parseInt(uses) > max) {
            error.set("Collectors: a whole number from 1 to " + max + ".");
            return;
        }
        String text = note.get() == null || note.get().isBlank() ? null : note.get().strip();
        busy.set(true);
        service.createRegistrationToken(new CreateRegistrationTokenRequest(text, seconds, Integer.parseInt(uses)), created -> {
            busy.set(false);
            createdToken.set(created.token());
            note.set("");
            maxUses.set("1");
            done("Registration token " + created.id() + " issued" + (created.maxUses() > 1 ? " for " + created.maxUses() + " collectors" : "")
                    + ", valid until " + created.expiresAt() + ". Copy it now: it is not shown again.");
            loadTokens();
        }, failure -> {
            busy.set(false);
            failed("Issuing a registration token", failure);
        });
    }

    /** The uses a listed token has left, out of its maximum: "2 of 3" (none once used up, expired or revoked). */
    public static String usesLeft(RegistrationTokenView token) {
        return token.usesLeft() + " of " + token.maxUses();
    }

    /** Forgets the secret shown after an issue. */
    public void clearCreatedToken() {
        createdToken.set("");
    }

    public void revokeToken() {
        RegistrationTokenView token = selectedToken.get();
        if (token == null || token.state() != RegistrationTokenState.ACTIVE) {
            error.set("Select an active registration token to revoke.");
            return;
        }
        confirmation.ask("Revoke registration token " + token.id(), "No collector can register with it any more. This cannot be undone.",
                "Revoke", () -> {
                    busy.set(true);
                    service.revokeRegistrationToken(token.id(), revoked -> {
                        busy.set(false);
                        done("Registration token " + token.id() + " revoked.");
                        loadTokens();
                    }, failure -> {
                        busy.set(false);
                        failed("Revoking registration token " + token.id(), failure);
                    });
                });
    }

    public void revokeCollector() {
        CollectorView collector = selectedCollector.get();
        if (collector == null) {
            error.set("Select a collector to revoke.");
            return;
        }
        String who = collector.name() + " (" + collector.hostname() + ")";
        // the server asks for the confirmation (its summary in the dialog): no second dialog of our own
        busy.set(true);
        service.revokeCollector(collector.id(), revoked -> {
            busy.set(false);
            done("Collector " + who + " revoked.");
            load();
        }, failure -> {
            busy.set(false);
            failed("Revoking collector " + who, failure);
        });
    }

    private void done(String sentence) {
        error.set("");
        status.set(sentence);
    }

    private void failed(String what, Throwable failure) {
        status.set("");
        if (failure instanceof AdminService.Cancelled cancelled) {
            error.set("");
            status.set(cancelled.getMessage());
        } else if (failure instanceof ApiException e && e.error().isEmpty() && e.kind() == ApiException.Kind.REJECTED) {
            error.set(what + ": " + e.getMessage());
        } else if (failure instanceof ApiException e) {
            LOG.info("{}: {}", what, e.getMessage());
            error.set(what + " was refused: " + e.getMessage());
        } else {
            LOG.error(what, failure);
            error.set(what + " failed: " + failure.getMessage());
        }
    }

    public ObservableList<CollectorView> collectors() {
        return collectors;
    }

    public ObservableList<RegistrationTokenView> tokens() {
        return tokens;
    }

    public ObjectProperty<CollectorView> selectedCollectorProperty() {
        return selectedCollector;
    }

    public ObjectProperty<RegistrationTokenView> selectedTokenProperty() {
        return selectedToken;
    }

    public StringProperty noteProperty() {
        return note;
    }

    public StringProperty expiresInHoursProperty() {
        return expiresInHours;
    }

    /** How many collectors may register with the next token issued (a DaemonSet: at least its node count). */
    public StringProperty maxUsesProperty() {
        return maxUses;
    }

    public ReadOnlyStringProperty createdTokenProperty() {
        return createdToken;
    }

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

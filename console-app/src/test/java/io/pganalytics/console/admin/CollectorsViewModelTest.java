package io.pganalytics.console.admin;

import io.pganalytics.common.collectors.CollectorView;
import io.pganalytics.common.collectors.RegistrationTokenState;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.testing.FakeConsoleApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The collectors tab's view-model in plain JUnit, IO on the calling thread against a fake client. */
class CollectorsViewModelTest {
    private final FakeConsoleApi api = new FakeConsoleApi();
    private final Background background = Background.direct();
    private final List<String> asked = new ArrayList<>();
    private boolean confirm = true;
    private final Confirmation confirmation = (title, details, action, onConfirm) -> {
        asked.add(title);
        if (confirm) {
            onConfirm.run();
        }
    };
    /** The server's confirmation (collector revoke): recorded and confirmed. */
    private final List<String> serverAsked = new ArrayList<>();
    private final CollectorsViewModel model = new CollectorsViewModel(new AdminService(api, background, (onAnswer, onCancel) -> onCancel.run(),
            (asked, onConfirm, onCancel) -> {
                serverAsked.add(asked.summary());
                onConfirm.run();
            }), confirmation);

    @AfterEach
    void close() {
        background.close();
    }

    @Test
    void anIssuedTokensSecretIsShownOnceAndTheListNeverHoldsIt() {
        model.load();
        model.noteProperty().set("db7, OPS-1234");
        model.expiresInHoursProperty().set("48");
        model.createToken();
        assertTrue(api.calls.contains("createRegistrationToken db7, OPS-1234 172800 uses 1"), api.calls.toString());
        assertEquals("pgart_secret1", model.createdTokenProperty().get());
        assertTrue(model.statusProperty().get().endsWith("Copy it now: it is not shown again."), model.statusProperty().get());
        assertEquals(1, model.tokens().size(), "the list is read again");
        assertEquals("", model.noteProperty().get());
        model.clearCreatedToken();
        assertEquals("", model.createdTokenProperty().get());

        model.expiresInHoursProperty().set("0");
        model.createToken();
        assertEquals("Expires in: a whole number of hours from 1 to 720.", model.errorProperty().get());
        assertEquals(1, api.calls.stream().filter(c -> c.startsWith("createRegistrationToken")).count(), "a bad expiry is not sent");
    }

    @Test
    void aTokenForADaemonSetIsIssuedWithItsUsesAndListedWithTheUsesLeft() {
        model.load();
        assertEquals("1", model.maxUsesProperty().get(), "one use by default");
        model.noteProperty().set("daemonset");
        model.maxUsesProperty().set("12");
        model.createToken();
        assertTrue(api.calls.contains("createRegistrationToken daemonset 86400 uses 12"), api.calls.toString());
        assertTrue(model.statusProperty().get().contains("for 12 collectors"), model.statusProperty().get());
        assertEquals("12 of 12", CollectorsViewModel.usesLeft(model.tokens().get(0)));
        assertEquals("1", model.maxUsesProperty().get(), "the form is back to one use");

        for (String bad : List.of("0", "10001", "three", "-2")) {
            model.maxUsesProperty().set(bad);
            model.createToken();
            assertEquals("Collectors: a whole number from 1 to 10000.", model.errorProperty().get(), bad);
        }
        assertEquals(1, api.calls.stream().filter(c -> c.startsWith("createRegistrationToken")).count(), "a bad number of uses is not sent");

        model.selectedTokenProperty().set(model.tokens().get(0));
        model.revokeToken();
        assertEquals("0 of 12", CollectorsViewModel.usesLeft(model.tokens().get(0)), "a revoked token has no use left");
    }

    @Test
    void revokingATokenOrACollectorIsSentOnlyOnceConfirmed() {
        api.collectors.add(new CollectorView("7b0c1d2e-0000-4000-8000-000000000001", "db7", "db7.example.com", "1.0", Instant.now(), true, null));
        model.load();
        model.createToken();
        model.selectedTokenProperty().set(model.tokens().get(0));
        confirm = false;
        model.revokeToken();
        assertFalse(api.calls.stream().anyMatch(c -> c.startsWith("revokeRegistrationToken")), "cancelled: nothing sent");
        confirm = true;
        model.revokeToken();
        assertTrue(api.calls.contains("revokeRegistrationToken 1 null"), api.calls.toString());
        assertEquals(RegistrationTokenState.REVOKED, model.tokens().get(0).state());

        model.selectedCollectorProperty().set(model.collectors().get(0));
        int localDialogs = asked.size();
        api.confirmationsRequired = 1;
        api.confirmationSummary = "Revoke collector db7?";
        model.revokeCollector();
        assertEquals(localDialogs, asked.size(), "the server's confirmation is the only dialog");
        assertEquals(List.of("Revoke collector db7?"), serverAsked);
        assertTrue(api.calls.stream().anyMatch(c -> c.matches("revokeCollector 7b0c1d2e-0000-4000-8000-000000000001 token-\\d+")), api.calls.toString());
        assertEquals(List.of(), model.collectors());
        assertEquals("Collector db7 (db7.example.com) revoked.", model.statusProperty().get());
    }
}

package io.pganalytics.console.admin;

import io.pganalytics.common.keys.RewrapView;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.testing.FakeConsoleApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The keys tab's view-model in plain JUnit, IO on the calling thread against a fake client. */
class KeysViewModelTest {
    private final FakeConsoleApi api = new FakeConsoleApi();
    private final Background background = Background.direct();
    private final List<String> asked = new ArrayList<>();
    private boolean confirm = true;
    private final Confirmation confirmation = (title, details, action, onConfirm) -> {
        asked.add(title + " | " + details);
        if (confirm) {
            onConfirm.run();
        }
    };
    private final StepUpPrompt noStepUp = (onAnswer, onCancel) -> onCancel.run();

    @AfterEach
    void close() {
        background.close();
    }

    @Test
    void theKeysAreListedWithTheirProviderVersionsDataKeysAndWhatTheySeal() {
        api.keys = FakeConsoleApi.keyStatus(true, 3, 2, 120, new RewrapView("done", 3, Instant.now(), Instant.now(), 30, 30, 15.0, "node-a", null));
        KeysViewModel keys = new KeysViewModel(new AdminService(api, background, noStepUp), confirmation);
        keys.load();
        assertEquals("keystore", keys.providerKindProperty().get());
        assertEquals("/var/lib/pganalytics/keys/kek.p12", keys.providerLocationProperty().get());
        assertEquals("Data key 3, wrapped by key-encryption key version 2.", keys.currentProperty().get());
        assertEquals(List.of(3, 2, 1), keys.dataKeys().stream().map(k -> k.id()).toList());
        assertEquals(List.of(1, 2), keys.kekVersions().stream().map(v -> v.version()).toList());
        assertEquals(10, keys.protectedItems().getFirst().onOlderKeys());
        assertEquals(1.0, keys.rewrapProgressProperty().get());
        assertTrue(keys.rewrapSummaryProperty().get().startsWith("done: 30 of 30 values · 15.0 values/s · to data key 3 · on node-a"),
                keys.rewrapSummaryProperty().get());
        assertFalse(keys.refreshing(), "a finished re-wrap is not read again");
        assertEquals("", keys.errorProperty().get());
    }

    @Test
    void rotateIsConfirmedInTheServersDialogOnlyAndShowsTheNewCurrentDataKey() {
        api.confirmationsRequired = 1;
        List<String> serverDialogs = new ArrayList<>();
        ServerConfirmation serverSide = (request, onConfirm, onCancel) -> {
            serverDialogs.add(request.summary());
            if (confirm) {
                onConfirm.run();
            } else {
                onCancel.run();
            }
        };
        KeysViewModel keys = new KeysViewModel(new AdminService(api, background, noStepUp, serverSide), confirmation);
        keys.load();
        confirm = false;
        keys.rotate();
        assertEquals(1, serverDialogs.size());
        assertEquals(1, api.calls.stream().filter(c -> c.startsWith("rotateKeys")).count(), "a cancelled rotation is not repeated");
        assertEquals("Cancelled: nothing was changed.", keys.statusProperty().get());
        assertFalse(keys.busyProperty().get());
        confirm = true;
        keys.rotate();
        assertTrue(asked.isEmpty(), "no client-side dialog on top of the server's: " + asked);
        assertTrue(api.calls.contains("rotateKeys true"), api.calls.toString());
        assertEquals("Data key 2 is now current, wrapped by key-encryption key version 2 (created now). The re-wrap moves 40 values under older keys.",
                keys.statusProperty().get());
        assertEquals("Data key 2, wrapped by key-encryption key version 2.", keys.currentProperty().get(), "the keys are read again");
        keys.stop();
    }

    @Test
    void aProviderTheServerCannotManageRotatesTheDataKeyOnly() {
        api.keys = FakeConsoleApi.keyStatus(false, 1, 1, 5, null);
        KeysViewModel keys = new KeysViewModel(new AdminService(api, background, noStepUp), confirmation);
        keys.load();
        assertFalse(keys.newKekVersionProperty().get());
        keys.newKekVersionProperty().set(true);
        keys.rotate();
        assertTrue(api.calls.contains("rotateKeys false"), api.calls.toString());
        assertEquals("The re-wrap never ran.", KeysViewModel.rewrapSummary(null));
        keys.stop();
    }

    @Test
    void retiringADataKeyStillInUseShowsTheServersRefusalAndWhatItNamed() {
        api.keys = FakeConsoleApi.keyStatus(true, 2, 1, 40, null);
        KeysViewModel keys = new KeysViewModel(new AdminService(api, background, noStepUp), confirmation);
        keys.load();
        keys.selectedDataKeyProperty().set(keys.dataKeys().get(1));
        keys.retireDataKey();
        assertEquals("Retiring data key 1 was refused: Data key 1 is still in use. (auth_signing_key.private_key: 10 values)",
                keys.errorProperty().get());
        assertEquals("", keys.statusProperty().get());
    }

    @Test
    void aForbiddenRetireOfAKekVersionIsShownAsNotAllowed() {
        KeysViewModel keys = new KeysViewModel(new AdminService(api, background, noStepUp), confirmation);
        keys.load();
        keys.retireKekVersion();
        assertEquals("Select a key-encryption key version to retire.", keys.errorProperty().get());
        assertTrue(asked.isEmpty(), "nothing selected: nothing asked");
        keys.selectedKekVersionProperty().set(keys.kekVersions().getFirst());
        keys.retireKekVersion();
        assertEquals("Retiring key-encryption key version 1 is not allowed: The key store is read-only.", keys.errorProperty().get());
    }

    @Test
    void aRotationTheServerGuardsWithAStepUpAsksForASecondFactorAndIsSentOnceMore() {
        api.stepUpsRequired = 1;
        StepUpPrompt prompt = (onAnswer, onCancel) -> onAnswer.accept(new StepUpPrompt.Factor("totp", "123456"));
        KeysViewModel keys = new KeysViewModel(new AdminService(api, background, prompt), confirmation);
        keys.load();
        keys.newKekVersionProperty().set(false);
        keys.rotate();
        assertEquals(List.of("keys", "rotateKeys false", "stepUp totp 123456", "rotateKeys false", "keys"), api.calls);
        assertTrue(keys.statusProperty().get().startsWith("Data key 2 is now current, wrapped by key-encryption key version 1."),
                keys.statusProperty().get());
        keys.stop();
    }

    @Test
    void aRunningRewrapIsReadAgainUntilItIsDone() throws Exception {
        api.rewraps.add(new RewrapView("running", 2, Instant.now(), null, 10, 40, 5.0, "node-a", null));
        api.rewraps.add(new RewrapView("running", 2, Instant.now(), null, 30, 40, 5.0, "node-a", null));
        api.rewraps.add(new RewrapView("done", 2, Instant.now(), Instant.now(), 40, 40, 5.0, "node-a", null));
        KeysViewModel keys = new KeysViewModel(new AdminService(api, background, noStepUp), confirmation);
        keys.load();
        assertEquals(0.25, keys.rewrapProgressProperty().get());
        assertTrue(keys.rewrapRunningProperty().get());
        assertTrue(keys.refreshing());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (keys.refreshing() && System.nanoTime() < deadline) {
            Thread.sleep(50); // polling with a deadline: the refresh runs on the timer thread
        }
        assertFalse(keys.refreshing(), "the refresh stops once the re-wrap is done");
        assertEquals(1.0, keys.rewrapProgressProperty().get());
        assertFalse(keys.rewrapRunningProperty().get());
        keys.stop();
    }

    @Test
    void aFailedRewrapShowsItsError() {
        api.keys = FakeConsoleApi.keyStatus(true, 2, 1, 40, new RewrapView("failed", 2, Instant.now(), Instant.now(), 3, 10, 1.0, "node-b",
                "auth_signing_key.private_key row 7: tampered"));
        KeysViewModel keys = new KeysViewModel(new AdminService(api, background, noStepUp), confirmation);
        keys.load();
        assertEquals("The re-wrap failed: auth_signing_key.private_key row 7: tampered", keys.rewrapErrorProperty().get());
        assertEquals(0.3, keys.rewrapProgressProperty().get(), 1e-9);
    }
}

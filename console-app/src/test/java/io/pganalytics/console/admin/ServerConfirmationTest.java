package io.pganalytics.console.admin;

import io.pganalytics.common.audit.ConfirmationRequired;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.auth.UserView;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.testing.FakeConsoleApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's confirmation of admin actions (428 confirmation_required) in the admin view-models: its summary is
 * shown once, OK repeats the same request with the token (after a second factor when the server wants one), Cancel
 * sends nothing more.
 */
class ServerConfirmationTest {
    private final FakeConsoleApi api = new FakeConsoleApi();
    private final Background background = Background.direct();
    private final List<String> shown = new ArrayList<>();
    private final StepUpPrompt noStepUp = (onAnswer, onCancel) -> onCancel.run();

    @AfterEach
    void close() {
        background.close();
    }

    @Test
    void aDeleteTheServerWantsConfirmedShowsItsSummaryAndIsRepeatedWithTheTokenOnOk() {
        api.confirmationsRequired = 1;
        UsersViewModel users = new UsersViewModel(new AdminService(api, background, noStepUp, answer(true)));
        users.selectedProperty().set(bob());
        users.delete();
        assertEquals(List.of("user.delete: Delete user 43: their account goes and every session they have ends."), shown,
                "one dialog, the server's summary");
        assertEquals(List.of("deleteUser 43", "confirmed token-1", "deleteUser 43", "users"), api.calls);
        assertEquals("Deleted bob.", users.statusProperty().get());
    }

    @Test
    void cancellingTheConfirmationSendsNothingMore() {
        api.confirmationsRequired = 1;
        UsersViewModel users = new UsersViewModel(new AdminService(api, background, noStepUp, answer(false)));
        users.selectedProperty().set(bob());
        users.delete();
        assertEquals(1, shown.size());
        assertEquals(List.of("deleteUser 43"), api.calls, "only the first request, which the server refused");
        assertEquals("Cancelled: nothing was changed.", users.statusProperty().get());
        assertEquals("", users.errorProperty().get());
    }

    @Test
    void aConfirmationThatNeedsASecondFactorAsksForItBeforeRepeating() {
        api.confirmationsRequired = 1;
        api.confirmationNeedsSecondFactor = true;
        List<String> prompts = new ArrayList<>();
        StepUpPrompt prompt = (onAnswer, onCancel) -> {
            prompts.add("asked");
            onAnswer.accept(new StepUpPrompt.Factor("totp", "123456"));
        };
        UsersViewModel users = new UsersViewModel(new AdminService(api, background, prompt, answer(true)));
        users.selectedProperty().set(bob());
        users.toggleEnabled();
        assertEquals(List.of("asked"), prompts);
        assertEquals(List.of("updateUser 43", "stepUp totp 123456", "confirmed token-1", "updateUser 43", "users"), api.calls);
        assertEquals("Disabled u43.", users.statusProperty().get());
    }

    @Test
    void keysRotateAndRetireAreConfirmedOnlyByTheServersDialog() {
        api.confirmationsRequired = 1;
        List<String> clientDialogs = new ArrayList<>();
        Confirmation clientSide = (title, details, action, onConfirm) -> {
            clientDialogs.add(title);
            onConfirm.run();
        };
        KeysViewModel keys = new KeysViewModel(new AdminService(api, background, noStepUp, answer(true)), clientSide);
        keys.load();
        keys.rotate();
        assertEquals(List.of(), clientDialogs, "no second, client-side dialog");
        assertEquals(1, shown.size());
        assertTrue(api.calls.containsAll(List.of("rotateKeys true", "confirmed token-1")), api.calls.toString());
        assertTrue(keys.statusProperty().get().startsWith("Data key 2 is now current"), keys.statusProperty().get());
        keys.stop();
    }

    private ServerConfirmation answer(boolean ok) {
        return (ConfirmationRequired asked, Runnable onConfirm, Runnable onCancel) -> {
            shown.add(asked.action() + ": " + asked.summary());
            (ok ? onConfirm : onCancel).run();
        };
    }

    private static UserView bob() {
        return new UserView(43, "bob", "Bob", Set.of(Role.VIEWER), "local", true, Instant.now(), null);
    }
}

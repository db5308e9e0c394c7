package io.pganalytics.console.login;

import io.pganalytics.common.auth.ProviderSummary;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.common.Notices;
import io.pganalytics.console.testing.FakeConsoleApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sign-in view-model's single sign-on: IO on real background threads, the loopback real, the browser absent. */
class SingleSignOnViewModelTest {
    private static final ProviderSummary KEYCLOAK = new ProviderSummary("keycloak", "oidc", "Keycloak", "browser");
    private final Background background = Background.withDaemonThreads(Runnable::run, new Notices() {
        @Override
        public void info(String title, String sentence) {
        }

        @Override
        public void error(String title, String sentence) {
        }
    });

    @AfterEach
    void close() {
        background.close();
    }

    @Test
    void whenNoBrowserOpensTheAddressIsShownAndTheWaitCanBeCancelled() throws InterruptedException {
        Browser none = page -> {
            throw new IllegalStateException("no web browser is available to this console");
        };
        LoginService service = new LoginService(new FakeConsoleApi(), background, none, Duration.ofMinutes(5));
        LoginViewModel model = new LoginViewModel(service, "", s -> { }, () -> { });
        model.signInWith(KEYCLOAK);
        await(() -> !model.browserAddressProperty().get().isEmpty());
        assertEquals("https://pga.example.com:8443/api/v1/auth/sso/keycloak/start", model.browserAddressProperty().get());
        assertTrue(model.waitingForBrowserProperty().get(), "still waiting for the browser");
        model.cancelSingleSignOn();
        await(() -> !model.errorProperty().get().isEmpty());
        assertEquals("The sign-in was cancelled.", model.errorProperty().get());
        assertFalse(model.waitingForBrowserProperty().get());
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting");
            }
            Thread.sleep(20); // polling interval, bounded by the deadline
        }
    }
}

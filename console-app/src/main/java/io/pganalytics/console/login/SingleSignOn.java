package io.pganalytics.console.login;

import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.api.SignIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One single sign-on from the console (RFC 8252): a loopback listener, a PKCE pair and a state, the system browser at
 * the server's start URL, then the one-time code exchanged for this console's own tokens. {@link #run} blocks (call it
 * off the FX thread); {@link #cancel} ends it from any thread.
 */
final class SingleSignOn {
    private static final Logger LOG = LoggerFactory.getLogger(SingleSignOn.class);
    static final Duration WAIT = Duration.ofMinutes(5);

    private final ConsoleApi api;
    private final Browser browser;
    private final String provider;
    private final Duration wait;
    private final Object lock = new Object();
    private LoopbackReceiver receiver;
    private boolean cancelled;

    SingleSignOn(ConsoleApi api, Browser browser, String provider, Duration wait) {
        this.api = api;
        this.browser = browser;
        this.provider = provider;
        this.wait = wait;
    }

    /**
     * @param onBrowserOpened hears the start address as the browser is sent there (to show it, should no browser open)
     */
    SignIn run(Consumer<URI> onBrowserOpened) {
        Pkce pkce = Pkce.create();
        try (LoopbackReceiver listening = LoopbackReceiver.open(pkce.state())) {
            synchronized (lock) {
                if (cancelled) {
                    throw new LoopbackReceiver.NoCallback("The sign-in was cancelled.");
                }
                receiver = listening;
            }
            URI redirect = listening.redirectUri();
            URI start = api.singleSignOnStart(provider, redirect, pkce.state(), pkce.challenge());
            LOG.info("single sign-on with {}: opening the browser, waiting on {}", provider, redirect);
            onBrowserOpened.accept(start);
            try {
                browser.open(start);
            } catch (RuntimeException e) {
                // the screen shows the address: the person can open it by hand while the loopback waits
                LOG.warn("single sign-on with {}: no browser opened ({}); waiting for the address to be opened by hand", provider, e.getMessage());
            }
            LoopbackReceiver.Callback callback = listening.await(wait);
            if (!callback.succeeded()) {
                LOG.info("single sign-on with {}: the identity provider answered {}", provider, callback.error());
                throw new ApiException(ApiException.Kind.REJECTED, "The sign-in with " + provider + " was refused"
                        + (callback.errorDescription() == null || callback.errorDescription().isBlank() ? "" : ": " + callback.errorDescription())
                        + (callback.errorDescription() != null && callback.errorDescription().endsWith(".") ? "" : "."), null, null);
            }
            return api.exchangeSingleSignOnCode(callback.code(), pkce.verifier(), redirect);
        } finally {
            synchronized (lock) {
                receiver = null;
            }
        }
    }

    void cancel() {
        synchronized (lock) {
            cancelled = true;
            if (receiver != null) {
                receiver.cancel();
            }
        }
    }
}

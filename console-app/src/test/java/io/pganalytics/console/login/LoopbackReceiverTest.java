package io.pganalytics.console.login;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's loopback listener over real HTTP on 127.0.0.1. */
class LoopbackReceiverTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void listensOnTheLoopbackAtAnEphemeralPort() {
        try (LoopbackReceiver receiver = LoopbackReceiver.open("s1")) {
            URI redirect = receiver.redirectUri();
            assertEquals("127.0.0.1", redirect.getHost());
            assertEquals("/callback", redirect.getPath());
            assertTrue(redirect.getPort() > 0);
        }
    }

    @Test
    void theCallbackWithItsStateIsAcceptedAndThePageSaysCloseTheWindow() throws Exception {
        try (LoopbackReceiver receiver = LoopbackReceiver.open("the-state")) {
            HttpResponse<String> page = get(receiver.redirectUri() + "?code=one-time&state=the-state");
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("You can close this window"), page.body());
            assertFalse(page.body().contains("<script") || page.body().contains("src=") || page.body().contains("href="), page.body());
            assertEquals("one-time", receiver.await(Duration.ofSeconds(5)).code());
        }
    }

    @Test
    void aCallbackWithAWrongStateIsRefusedAndTheRightOneStillGetsThrough() throws Exception {
        try (LoopbackReceiver receiver = LoopbackReceiver.open("the-state")) {
            HttpResponse<String> forged = get(receiver.redirectUri() + "?code=attackers-code&state=another-state");
            assertEquals(400, forged.statusCode());
            assertTrue(forged.body().contains("was refused"), forged.body());
            HttpResponse<String> missing = get(receiver.redirectUri() + "?code=attackers-code");
            assertEquals(400, missing.statusCode());
            get(receiver.redirectUri() + "?code=the-real-code&state=the-state");
            assertEquals("the-real-code", receiver.await(Duration.ofSeconds(5)).code());
        }
    }

    @Test
    void aSecondRequestAfterTheAcceptedOneIsRefused() throws Exception {
        try (LoopbackReceiver receiver = LoopbackReceiver.open("the-state")) {
            assertEquals(200, get(receiver.redirectUri() + "?code=first&state=the-state").statusCode());
            HttpResponse<String> second = get(receiver.redirectUri() + "?code=second&state=the-state");
            assertEquals(409, second.statusCode());
            assertTrue(second.body().contains("already ended"), second.body());
            assertEquals("first", receiver.await(Duration.ofSeconds(5)).code(), "the first, accepted callback stands");
        }
    }

    @Test
    void theIdentityProvidersRefusalEndsTheWaitWithItsReason() throws Exception {
        try (LoopbackReceiver receiver = LoopbackReceiver.open("st")) {
            get(receiver.redirectUri() + "?error=access_denied&error_description=user+is+not+in+a+mapped+group&state=st");
            LoopbackReceiver.Callback callback = receiver.await(Duration.ofSeconds(5));
            assertFalse(callback.succeeded());
            assertEquals("user is not in a mapped group", callback.errorDescription());
        }
    }

    @Test
    void cancellingEndsTheWaitAndALateCallbackIsRefused() throws Exception {
        try (LoopbackReceiver receiver = LoopbackReceiver.open("st")) {
            CompletableFuture<Throwable> waiting = CompletableFuture.supplyAsync(() ->
                    assertThrows(LoopbackReceiver.NoCallback.class, () -> receiver.await(Duration.ofMinutes(5))));
            receiver.cancel();
            assertEquals("The sign-in was cancelled.", waiting.get().getMessage());
            assertEquals(409, get(receiver.redirectUri() + "?code=late&state=st").statusCode());
        }
    }

    @Test
    void theWaitIsBounded() {
        try (LoopbackReceiver receiver = LoopbackReceiver.open("st")) {
            LoopbackReceiver.NoCallback none = assertThrows(LoopbackReceiver.NoCallback.class, () -> receiver.await(Duration.ofMillis(50)));
            assertTrue(none.getMessage().contains("did not come back"), none.getMessage());
        }
    }

    private HttpResponse<String> get(String uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}

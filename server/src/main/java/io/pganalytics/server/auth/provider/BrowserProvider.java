package io.pganalytics.server.auth.provider;

import io.pganalytics.server.auth.ExternalIdentity;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * A provider whose sign-in runs in a browser (OpenID Connect, SAML 2.0). The server brokers the flow: it sends the
 * browser to the provider with {@link #start}, receives the provider's answer on {@code callback} (a GET with query
 * parameters for OIDC, a POST form for SAML), and calls {@link #finish} with what {@code start} asked it to keep.
 * Any node may finish a flow that another node started: everything a provider needs between the two is in
 * {@link BrowserStart#kept()}, which the broker stores in the cluster.
 */
public interface BrowserProvider extends IdentityProvider {
    /**
     * @param flowId   the broker's opaque, single-use id of this flow: OIDC's {@code state}, SAML's {@code RelayState}
     * @param callback this server's URL for the provider's answer (OIDC redirect URI, SAML ACS), as the provider
     *                 must have it registered
     */
    BrowserStart start(String flowId, URI callback);

    /**
     * Checks the provider's answer and maps the person's roles. Throws {@code ApiException.unauthenticated} (with
     * what was wrong, never a secret) on any failed check.
     *
     * @param parameters the callback's query parameters or form fields, single-valued
     * @param kept       what {@link #start} returned to keep for this flow
     */
    ExternalIdentity finish(Map<String, String> parameters, Map<String, String> kept, URI callback);

    /** A document the provider's administrator loads (a SAML SP's metadata XML); none by default. */
    default Optional<String> metadata(URI callback) {
        return Optional.empty();
    }

    /** Where to send the browser, and what to keep until the answer arrives (nonce, PKCE verifier, request id). */
    record BrowserStart(URI redirect, Map<String, String> kept) {
        public BrowserStart {
            kept = Map.copyOf(kept);
        }
    }
}

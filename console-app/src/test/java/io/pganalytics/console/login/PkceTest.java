package io.pganalytics.console.login;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class PkceTest {
    @Test
    void theChallengeIsTheRfc7636S256OfTheVerifier() {
        // RFC 7636, appendix B
        assertEquals("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", Pkce.challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    }

    @Test
    void everySignInHasItsOwnVerifierAndState() {
        Pkce one = Pkce.create();
        Pkce two = Pkce.create();
        assertEquals(43, one.verifier().length());
        assertEquals(Pkce.challengeOf(one.verifier()), one.challenge());
        assertNotEquals(one.verifier(), two.verifier());
        assertNotEquals(one.state(), two.state());
        assertNotEquals(one.verifier(), one.state());
    }
}

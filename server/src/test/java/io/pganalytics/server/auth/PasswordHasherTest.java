package io.pganalytics.server.auth;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHasherTest {
    private static final Logger LOG = LoggerFactory.getLogger(PasswordHasherTest.class);
    private final PasswordHasher hasher = PasswordHasher.from(AuthConfig.defaults(), new SecureRandom());

    @Test
    void hashesAreArgon2idPhcStringsWithTheConfiguredCost() {
        String hash = hasher.hash("correct horse battery staple");
        assertTrue(hash.matches("\\$argon2id\\$v=19\\$m=19456,t=3,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), hash);
    }

    @Test
    void theRightPasswordVerifiesAndAWrongOneDoesNot() {
        String hash = hasher.hash("correct horse battery staple");
        assertTrue(hasher.verify("correct horse battery staple", hash));
        assertFalse(hasher.verify("correct horse battery stapl", hash));
        assertFalse(hasher.verify("", hash));
    }

    @Test
    void theSamePasswordHashesDifferentlyEachTime() {
        assertNotEquals(hasher.hash("same password here"), hasher.hash("same password here"));
    }

    @Test
    void aHashMadeWithOtherParametersStillVerifiesAndAsksToBeRehashed() {
        PasswordHasher cheap = new PasswordHasher(1024, 1, 1, new SecureRandom());
        String old = cheap.hash("an older password");
        assertTrue(hasher.verify("an older password", old));
        assertTrue(hasher.needsRehash(old));
        assertFalse(hasher.needsRehash(hasher.hash("an older password")));
    }

    @Test
    void somethingThatIsNotAnArgon2idHashNeverMatches() {
        assertFalse(hasher.verify("x", null));
        assertFalse(hasher.verify("x", "x"));
        assertFalse(hasher.verify("password", "$argon2i$v=19$m=19456,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA"));
        assertFalse(hasher.verifyNothing("anything"));
    }

    /** Not a timed assertion: prints what one hash costs on this machine (aim: 50 to 100 ms). */
    @Test
    void printsTheCostOfOneHashAndOfAnUnknownUsersCheck() {
        String hash = hasher.hash("warm up the generator");
        hasher.verify("warm up the generator", hash);
        hasher.verifyNothing("warm up the generator");
        int rounds = 5;
        long known = 0;
        long unknown = 0;
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            hasher.verify("warm up the generator", hash);
            known += System.nanoTime() - start;
            start = System.nanoTime();
            hasher.verifyNothing("warm up the generator");
            unknown += System.nanoTime() - start;
        }
        LOG.info("Argon2id m=19456 t=3 p=1: {} ms per verification of a known user, {} ms for an unknown one",
                known / rounds / 1_000_000, unknown / rounds / 1_000_000);
        assertTrue(known > 0 && unknown > 0);
    }
}

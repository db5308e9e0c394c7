package io.pganalytics.helm;

import io.fabric8.kubernetes.api.model.Secret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values that would install a broken system are refused with a message saying what to do, and the secrets the chart
 * generates keep their values on an upgrade (a new key store passphrase or database password would lock the system
 * out of its own data).
 */
class ChartRefusalsTest {

    @AfterEach
    void forgetSecrets() {
        ClusterSecrets.clear();
    }

    @Test
    void severalNodesWithoutASharedKeyStoreAreRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Chart.template(Chart.values("server.replicaCount", 2)));
        assertTrue(e.getMessage().contains("encryption.keystore.existingSecret"), e.getMessage());
    }

    @Test
    void aTerminationGraceShorterThanTheDrainIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Chart.template(Chart.values("server.terminationGracePeriodSeconds", 30)));
        assertTrue(e.getMessage().contains("must exceed"), e.getMessage());
    }

    @Test
    void collectorsWithoutRegistrationTokensAreRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Chart.template(Chart.values("collectors.daemonSet.enabled", true)));
        assertTrue(e.getMessage().contains("collectors.registrationSecret"), e.getMessage());
    }

    @Test
    void anExternalDatabaseWithoutItsHostIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Chart.template(Chart.values("postgresql.enabled", false)));
        assertTrue(e.getMessage().contains("database.external.host"), e.getMessage());
    }

    @Test
    void generatedSecretsKeepTheirValuesOnUpgrade() {
        Chart.Rendered first = Chart.render(Map.of());
        Chart.Rendered again = Chart.render(Map.of());
        assertNotEquals(value(first, "pganalytics-keystore", "passphrase"), value(again, "pganalytics-keystore", "passphrase"),
                "two first installs generate two passphrases");
        ClusterSecrets.put("pganalytics-keystore", Map.of("passphrase", "the-installed-passphrase"));
        ClusterSecrets.put("pganalytics-postgresql", Map.of("password", "the-installed-password"));
        ClusterSecrets.put("pganalytics-admin", Map.of("password", "the-installed-admin-password"));
        Chart.Rendered upgrade = Chart.render(Map.of());
        assertEquals("the-installed-passphrase", value(upgrade, "pganalytics-keystore", "passphrase"));
        assertEquals("the-installed-password", value(upgrade, "pganalytics-postgresql", "password"));
        assertEquals("the-installed-admin-password", value(upgrade, "pganalytics-admin", "password"));
    }

    @Test
    void theGeneratedCertificateIsKeptOnUpgrade() {
        ClusterSecrets.put("pganalytics-tls", Map.of("tls.crt", "CERT", "tls.key", "KEY", "ca.crt", "CA"));
        Chart.Rendered upgrade = Chart.render(Map.of());
        assertEquals("CA", value(upgrade, "pganalytics-tls", "ca.crt"), "collectors keep trusting the CA they were given");
    }

    private static String value(Chart.Rendered rendered, String secret, String key) {
        return new String(Base64.getDecoder().decode(rendered.one(Secret.class, secret).getData().get(key)), StandardCharsets.UTF_8);
    }
}

package io.pganalytics.server.http;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.pganalytics.server.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HttpConfigTest {

    private static HttpConfig read(Map<String, String> values) {
        Map<String, String> prefixed = new HashMap<>();
        values.forEach((k, v) -> prefixed.put("http." + k, v));
        prefixed.putIfAbsent("http.host", "127.0.0.1");
        return HttpConfig.from(Config.just(ConfigSources.create(prefixed)).get("http"));
    }

    @Test
    void theConnectionTimeoutsDefaultToTheDocumentedOnes() {
        HttpConfig config = read(Map.of());
        assertEquals(Duration.ofSeconds(10), config.headerTimeout());
        assertEquals(Duration.ofSeconds(30), config.readIdleTimeout());
        assertEquals(Duration.ofSeconds(10), config.tlsHandshakeTimeout());
        assertEquals(Optional.empty(), config.publicUrl());
    }

    @Test
    void theConnectionTimeoutsAreConfigurable() {
        HttpConfig config = read(Map.of("header-timeout", "2s", "read-idle-timeout", "1m", "tls.handshake-timeout", "500ms"));
        assertEquals(Duration.ofSeconds(2), config.headerTimeout());
        assertEquals(Duration.ofMinutes(1), config.readIdleTimeout());
        assertEquals(Duration.ofMillis(500), config.tlsHandshakeTimeout());
        ConfigException e = assertThrows(ConfigException.class, () -> read(Map.of("header-timeout", "0s")));
        assertEquals("http.header-timeout", e.key());
    }

    @Test
    void thePublicUrlIsAnHttpUrlWithoutItsTrailingSlash() {
        assertEquals(Optional.of("https://pga.example.com:8443/api/v1"),
                read(Map.of("public-url", "https://pga.example.com:8443/")).publicApiUrl("/api/v1"));
        for (String bad : new String[] {"pga.example.com", "ftp://pga.example.com", "https://pga.example.com/?a=b", "https://u:p@pga.example.com"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> read(Map.of("public-url", bad)), bad);
            assertEquals("http.public-url", e.key());
        }
    }
}

package io.pganalytics.server.http;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import io.pganalytics.server.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which client address the server believes: forwarded headers only from configured proxies, never beyond the first untrusted hop. */
class TrustedProxiesTest {
    private static final TrustedProxies PROXIES = TrustedProxies.parse(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8"));

    private static String from(String peer, String header, String value) {
        WritableHeaders<?> headers = WritableHeaders.create();
        if (header != null) {
            headers.add(HeaderNames.create(header), value);
        }
        return PROXIES.clientAddress(new InetSocketAddress(peer, 40000), headers);
    }

    @Test
    void forwardedHeadersFromAnUntrustedPeerAreIgnored() {
        assertEquals("203.0.113.5", from("203.0.113.5", "X-Forwarded-For", "1.2.3.4"));
        assertEquals("203.0.113.5", from("203.0.113.5", "Forwarded", "for=1.2.3.4"));
        assertEquals("10.1.2.3", TrustedProxies.NONE.clientAddress(new InetSocketAddress("10.1.2.3", 1), WritableHeaders.create()));
    }

    @Test
    void behindTrustedProxiesTheNearestUntrustedHopIsTheClient() {
        assertEquals("198.51.100.9", from("10.0.0.1", "X-Forwarded-For", "6.6.6.6, 198.51.100.9, 10.9.9.9"),
                "what the client wrote in front of the first untrusted hop is not believed");
        assertEquals("198.51.100.9", from("192.168.1.7", "Forwarded", "for=\"[2001:db8::1]:80\", for=198.51.100.9:4711"));
        assertEquals("2001:db8:0:0:0:0:0:2", from("fd00::1", "X-Forwarded-For", "2001:db8::2"));
        assertEquals("10.0.0.1", from("10.0.0.1", "X-Forwarded-For", "unknown"), "an obfuscated hop: the proxy itself");
        assertEquals("10.0.0.1", from("10.0.0.1", "X-Forwarded-For", "evil.example.com"), "never a name lookup");
        assertEquals("10.0.0.1", from("10.0.0.1", null, null));
    }

    @Test
    void aBadBlockStopsStartUpNamingTheKey() {
        for (String bad : new String[] {"10.0.0.0/33", "proxy.example.com", "10.0.0/8", "fd00::/129", "1.2.3.4/x"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> HttpConfig.from(Config.just(ConfigSources.create(
                    Map.of("http.trusted-proxies", bad))).get("http")), bad);
            assertEquals("http.trusted-proxies", e.key());
            assertTrue(e.getMessage().contains(bad.split("/")[0]), e.getMessage());
        }
        assertTrue(HttpConfig.from(Config.just(ConfigSources.create(Map.of("http.host", "127.0.0.1"))).get("http")).trustedProxies().isEmpty());
    }
}

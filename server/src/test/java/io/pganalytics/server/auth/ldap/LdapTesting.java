package io.pganalytics.server.auth.ldap;

import io.pganalytics.common.auth.Role;
import io.pganalytics.server.auth.provider.ProviderContext;
import io.pganalytics.server.auth.provider.ProviderDefinition;
import io.pganalytics.server.auth.provider.RoleMapping;
import io.pganalytics.server.testing.Slapd;
import io.pganalytics.server.testing.TestServers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Definitions of LDAP providers against the test {@link Slapd}, and a directory that never answers. */
final class LdapTesting {
    static final RoleMapping MAPPING = new RoleMapping(List.of(
            new RoleMapping.Rule(RoleMapping.GROUPS, Slapd.groupDn("operators"), Role.OPERATOR),
            new RoleMapping.Rule(RoleMapping.GROUPS, "viewers", Role.VIEWER),
            new RoleMapping.Rule(RoleMapping.GROUPS, "dbas", Role.ADMIN)), null);

    private LdapTesting() {
    }

    /** Settings for slapd over LDAPS with its CA; {@code overrides} replace or (with a null value) remove settings. */
    static Map<String, Object> settings(Slapd slapd, Map<String, Object> overrides) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("url", slapd.ldapsUrl());
        settings.put("caFile", slapd.caFile().toString());
        settings.put("bindDn", Slapd.SERVICE_DN);
        settings.put("userBaseDn", Slapd.PEOPLE);
        settings.put("groupBaseDn", Slapd.GROUPS);
        settings.put("connectTimeout", "2s");
        settings.put("responseTimeout", "2s");
        overrides.forEach((k, v) -> {
            if (v == null) {
                settings.remove(k);
            } else {
                settings.put(k, v);
            }
        });
        return settings;
    }

    static ProviderDefinition definition(String name, Map<String, Object> settings) {
        return new ProviderDefinition(name, LdapKind.KIND, "Example directory", true, settings,
                Map.of("bindPassword", Slapd.SERVICE_PASSWORD), MAPPING);
    }

    static LdapProvider provider(Slapd slapd, Map<String, Object> overrides) {
        return provider(definition("corp", settings(slapd, overrides)));
    }

    static LdapProvider provider(ProviderDefinition definition) {
        return (LdapProvider) new LdapKind().create(definition, context());
    }

    static ProviderContext context() {
        return new ProviderContext(null, Clock.systemUTC(), Path.of("/nonexistent-data-dir"));
    }

    /** A TCP listener that accepts connections and never says a word: a directory that hangs. */
    static final class SilentDirectory implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        SilentDirectory() {
            try {
                server = new ServerSocket();
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), TestServers.freePort()), 50);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            acceptor = Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        accepted.add(server.accept());
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            return accepted.size();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : accepted) {
                socket.close();
            }
            try {
                acceptor.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

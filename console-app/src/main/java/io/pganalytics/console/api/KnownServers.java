package io.pganalytics.console.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.console.common.ConsoleHome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The servers the console knows and the certificate pinned for each, in {@code <console home>/servers.json}
 * (owner-only). Most recently used first.
 */
public final class KnownServers {
    private static final Logger LOG = LoggerFactory.getLogger(KnownServers.class);
    private static final int MAX_SERVERS = 50;

    private final ConsoleHome home;
    private final Path file;
    private final ObjectMapper mapper = JsonMapping.newMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public KnownServers(ConsoleHome home) {
        this.home = home;
        this.file = home.resolve("servers.json");
    }

    public synchronized List<KnownServer> all() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<KnownServer> servers = mapper.readValue(file.toFile(), new TypeReference<List<KnownServer>>() {
            });
            return servers.stream().sorted(Comparator.comparing(KnownServer::lastConnectedAt,
                    Comparator.nullsLast(Comparator.reverseOrder()))).toList();
        } catch (IOException e) {
            LOG.warn("{}: unreadable, starting with no known servers", file, e);
            return List.of();
        }
    }

    public Optional<KnownServer> find(ServerAddress address) {
        return all().stream().filter(s -> s.url().equals(address.toString())).findFirst();
    }

    /** Pins {@code fingerprint} for the server (null: a certificate authority vouches for it). */
    public synchronized void trust(ServerAddress address, String fingerprint) {
        KnownServer old = find(address).orElse(null);
        save(address, new KnownServer(address.toString(), fingerprint, old == null ? null : old.lastUsername(), Instant.now()));
    }

    public synchronized void signedIn(ServerAddress address, String username) {
        KnownServer old = find(address).orElse(new KnownServer(address.toString(), null, null, null));
        save(address, new KnownServer(old.url(), old.fingerprint(), username, Instant.now()));
    }

    private void save(ServerAddress address, KnownServer server) {
        List<KnownServer> servers = new ArrayList<>(all().stream().filter(s -> !s.url().equals(address.toString())).toList());
        servers.addFirst(server);
        try {
            home.writeOwnerOnly(file, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(servers.subList(0, Math.min(MAX_SERVERS, servers.size()))));
        } catch (IOException e) {
            throw new UncheckedIOException("saving " + file, e);
        }
    }
}

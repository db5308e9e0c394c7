package io.pganalytics.console.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.console.common.ConsoleHome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Each server's refresh token in {@code <console home>/sessions/<hash of the address>.json}, readable by the owner
 * only, so that the console can resume a session after a restart. The access token is never written anywhere.
 */
public final class RefreshTokens {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshTokens.class);

    /** What is stored; {@link #toString()} hides the token. */
    public record Stored(String server, String username, String refreshToken, Instant expiresAt) {
        @Override
        public String toString() {
            return "Stored[server=" + server + ", username=" + username + ", expiresAt=" + expiresAt + "]";
        }
    }

    private final ConsoleHome home;
    private final ObjectMapper mapper = JsonMapping.newMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public RefreshTokens(ConsoleHome home) {
        this.home = home;
    }

    public Optional<Stored> load(ServerAddress server) {
        Path file = file(server);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            Stored stored = mapper.readValue(file.toFile(), Stored.class);
            if (stored.expiresAt() != null && stored.expiresAt().isBefore(Instant.now())) {
                delete(server);
                return Optional.empty();
            }
            return Optional.of(stored);
        } catch (IOException e) {
            LOG.warn("{}: unreadable session file, ignoring it", file, e);
            return Optional.empty();
        }
    }

    public void save(ServerAddress server, String username, String refreshToken, Instant expiresAt) {
        try {
            home.writeOwnerOnly(file(server), mapper.writeValueAsBytes(new Stored(server.toString(), username, refreshToken, expiresAt)));
        } catch (IOException e) {
            throw new UncheckedIOException("saving the session for " + server, e);
        }
    }

    public void delete(ServerAddress server) {
        try {
            Files.deleteIfExists(file(server));
        } catch (IOException e) {
            LOG.warn("{}: could not delete the session file", file(server), e);
        }
    }

    Path file(ServerAddress server) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(server.toString().getBytes(StandardCharsets.UTF_8));
            return home.resolve("sessions").resolve(HexFormat.of().formatHex(hash, 0, 12) + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

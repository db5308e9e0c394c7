package io.pganalytics.console.api;

import io.pganalytics.common.audit.AuditPage;
import io.pganalytics.common.audit.AuditVerification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/** {@link AuditApi} over the session of an {@link HttpConsoleApi}: the same tokens, refresh and errors. */
final class HttpAuditApi implements AuditApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpAuditApi.class);
    static final Set<String> FORMATS = Set.of("jsonl", "csv");
    /** An error answer to an export is an envelope: read at most this much of it. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final HttpConsoleApi api;

    HttpAuditApi(HttpConsoleApi api) {
        this.api = api;
    }

    @Override
    public AuditPage search(AuditQuery query, Long beforeSeq, Long afterSeq, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("an audit page holds 1 to " + MAX_PAGE + " records, not " + limit);
        }
        StringBuilder path = new StringBuilder("/audit?limit=").append(limit);
        if (beforeSeq != null) {
            path.append("&beforeSeq=").append(beforeSeq);
        }
        if (afterSeq != null) {
            path.append("&afterSeq=").append(afterSeq);
        }
        String filters = query.parameters();
        if (!filters.isEmpty()) {
            path.append('&').append(filters);
        }
        return api.get(path.toString(), AuditPage.class);
    }

    @Override
    public AuditVerification verify() {
        return api.get("/audit/verify", AuditVerification.class);
    }

    @Override
    public long export(Instant from, Instant to, String format, Path file) {
        String kind = format.toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(kind)) {
            throw new IllegalArgumentException("an audit export is jsonl or csv, not " + format);
        }
        String range = new AuditQuery(null, null, null, null, null, null, null, from, to, null).parameters();
        String path = "/audit/export?format=" + kind + (range.isEmpty() ? "" : "&" + range);
        String token = api.accessToken();
        HttpResponse<InputStream> response = send(path, token);
        if (response.statusCode() == 401) {
            close(response);
            response = send(path, api.refreshAfterRejection(token));
        }
        if (response.statusCode() / 100 != 2) {
            throw api.failure(response.statusCode(), errorBody(response));
        }
        Path absolute = file.toAbsolutePath();
        Path partial = null;
        try (InputStream body = response.body()) {
            partial = ownerOnlyBeside(absolute);
            long bytes;
            try (OutputStream out = Files.newOutputStream(partial)) {
                bytes = body.transferTo(out);
            }
            move(partial, absolute);
            LOG.info("{}: exported the audit trail as {} to {} ({} bytes)", api.address(), kind, absolute, bytes);
            return bytes;
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new ApiException(ApiException.Kind.UNREACHABLE, "The export to " + absolute + " failed: " + e.getMessage(), null, e);
        }
    }

    private HttpResponse<InputStream> send(String path, String token) {
        HttpRequest request = api.request(path, token).GET().build();
        try {
            return api.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw api.unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw api.unreachable(e);
        }
    }

    /** A new, empty, owner-only file in the target's directory (so that the final move stays on one file system). */
    private static Path ownerOnlyBeside(Path target) throws IOException {
        Path directory = target.getParent();
        String name = "." + target.getFileName() + ".part";
        try {
            return Files.createTempFile(directory, name, "", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            return Files.createTempFile(directory, name, "");
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String errorBody(HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            return new String(body.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void close(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException e) {
            LOG.debug("closing a refused export's answer: {}", e.getMessage());
        }
    }

    private static void deleteQuietly(Path partial) {
        if (partial == null) {
            return;
        }
        try {
            Files.deleteIfExists(partial);
        } catch (IOException e) {
            LOG.warn("could not remove the partial export {}: {}", partial, e.getMessage());
        }
    }
}

package io.pganalytics.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.audit.AuditCanonical;
import io.pganalytics.common.json.JsonMapping;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * {@code pganalytics-server audit verify [--from N] [--to M] --api URL --token-file F [--ca-file PEM]} asks a running
 * server to verify the chain ({@code GET /api/v1/audit/verify}); {@code pganalytics-server audit verify-export FILE
 * [--public-key PEM] [--checkpoints JSON]} verifies an exported or archived JSONL file offline: every line hashes to
 * its {@code hash}, chains to the line before, seqs have no gap; with the public key, the archive's signature file
 * ({@code FILE.sig}, when present) and every checkpoint of {@code --checkpoints} (the answer of
 * {@code GET /api/v1/audit/checkpoints}) inside the file's range. Exit codes: 0 intact, 1 failed to run, 2 wrong
 * usage, 3 the chain or a signature does not verify.
 */
public final class AuditCommand {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int NOT_INTACT = 3;
    private static final int MAX_LINE_CHARS = 1 << 20;
    public static final String HELP = """
            Usage: pganalytics-server audit COMMAND
              verify [--from N] [--to M] --api URL --token-file FILE [--ca-file PEM]
                  a running server verifies records N..M (default: the whole chain); URL is https://host:8443/api/v1,
                  FILE holds an auditor's or admin's access token, PEM the server's certificate (default: the JDK's trust store)
              verify-export FILE [--public-key PEM] [--checkpoints JSON]
                  verifies an export (GET /api/v1/audit/export?format=jsonl) or an archive file offline: hashes, chain, gaps;
                  with the audit public key (GET /api/v1/audit/public-keys), the archive's FILE.sig and the checkpoints
                  in JSON (GET /api/v1/audit/checkpoints) that fall inside the file
            Exit codes: 0 intact, 1 failed to run, 2 wrong usage, 3 not intact.
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final ObjectMapper json = JsonMapping.newMapper();

    public AuditCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public int run(List<String> args) {
        if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
            (args.isEmpty() ? err : out).print(HELP);
            return args.isEmpty() ? USAGE : OK;
        }
        Map<String, String> options = new HashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.startsWith("--")) {
                if (i + 1 >= args.size()) {
                    err.println("audit: " + arg + " needs a value\n" + HELP);
                    return USAGE;
                }
                options.put(arg, args.get(++i));
            } else {
                positional.add(arg);
            }
        }
        try {
            return switch (args.getFirst()) {
                case "verify" -> verifyOnline(options);
                case "verify-export" -> {
                    if (positional.size() != 1) {
                        err.println("audit verify-export: name one FILE\n" + HELP);
                        yield USAGE;
                    }
                    yield verifyExport(Path.of(positional.getFirst()), options);
                }
                default -> {
                    err.println("audit: unknown command '" + args.getFirst() + "'\n" + HELP);
                    yield USAGE;
                }
            };
        } catch (IllegalArgumentException e) {
            err.println("audit: " + e.getMessage());
            return USAGE;
        } catch (IOException | GeneralSecurityException e) {
            err.println("audit: " + e.getMessage());
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FAILED;
        }
    }

    private int verifyOnline(Map<String, String> options) throws IOException, GeneralSecurityException, InterruptedException {
        String api = options.get("--api");
        String tokenFile = options.get("--token-file");
        if (api == null || tokenFile == null) {
            throw new IllegalArgumentException("verify needs --api URL and --token-file FILE\n" + HELP);
        }
        StringBuilder query = new StringBuilder();
        for (String name : List.of("from", "to")) {
            String value = options.get("--" + name);
            if (value != null) {
                if (!value.matches("[1-9][0-9]{0,17}")) {
                    throw new IllegalArgumentException("--" + name + " must be a record number, was '" + value + "'");
                }
                query.append(query.isEmpty() ? "?" : "&").append(name).append('=').append(value);
            }
        }
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (options.containsKey("--ca-file")) {
            client.sslContext(trusting(Path.of(options.get("--ca-file"))));
        }
        String token = Files.readString(Path.of(tokenFile)).strip();
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.replaceAll("/+$", "") + "/audit/verify" + query))
                .timeout(Duration.ofMinutes(10)).header("Authorization", "Bearer " + token).GET().build();
        HttpResponse<String> response = client.build().send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            err.println("audit verify: the server answered " + response.statusCode() + ": " + response.body());
            return FAILED;
        }
        JsonNode result = json.readTree(response.body());
        boolean intact = result.get("intact").asBoolean();
        out.printf("records %d..%d: %d checked, %d signed checkpoint(s) verified, in %d ms%n", result.get("fromSeq").asLong(),
                result.get("toSeq").asLong(), result.get("checked").asLong(), result.get("checkpoints").asInt(), result.get("millis").asLong());
        out.println(intact ? "INTACT" : "NOT INTACT: " + result.get("problem").asText() + " at record "
                + result.get("firstBadSeq").asLong() + ": " + result.get("message").asText());
        return intact ? OK : NOT_INTACT;
    }

    private int verifyExport(Path file, Map<String, String> options) throws IOException {
        PublicKey key = options.containsKey("--public-key")
                ? AuditSigningKeys.publicKeyFromPem(Files.readString(Path.of(options.get("--public-key")))) : null;
        Map<Long, JsonNode> checkpoints = new HashMap<>();
        if (options.containsKey("--checkpoints")) {
            for (JsonNode checkpoint : json.readTree(Path.of(options.get("--checkpoints")).toFile())) {
                checkpoints.put(checkpoint.get("seq").asLong(), checkpoint);
            }
        }
        MessageDigest sha = AuditCanonical.sha256();
        long count = 0;
        long first = 0;
        long expected = -1;
        byte[] previous = null;
        int checkpointsVerified = 0;
        String problem = null;
        try (InputStream in = Files.newInputStream(file);
             BufferedReader reader = new BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while (problem == null && (line = reader.readLine()) != null) {
                if (line.length() > MAX_LINE_CHARS) {
                    problem = "line " + (count + 1) + " is longer than " + MAX_LINE_CHARS + " characters: not an audit export";
                    break;
                }
                sha.update((line + "\n").getBytes(StandardCharsets.UTF_8));
                if (line.isBlank()) {
                    continue;
                }
                StoredRecord r = AuditJsonLines.parse(line);
                count++;
                if (expected < 0) {
                    first = r.seq();
                    if (r.seq() == 1 && !AuditCanonical.sameHash(r.prevHash(), AuditCanonical.GENESIS)) {
                        problem = "inserted at record 1: the first record does not start from the genesis";
                    }
                } else if (r.seq() != expected) {
                    problem = (r.seq() > expected ? "removed at record " + expected + ": the next line is record " + r.seq()
                            : "reordered at record " + r.seq() + ": expected record " + expected);
                } else if (!AuditCanonical.sameHash(r.prevHash(), previous)) {
                    problem = (r.hashMatches(r.prevHash()) ? "inserted" : "altered") + " at record " + r.seq()
                            + ": it does not chain to record " + (r.seq() - 1);
                }
                if (problem == null && !r.hashMatches(r.prevHash())) {
                    problem = "altered at record " + r.seq() + ": its content does not hash to its hash";
                }
                JsonNode checkpoint = checkpoints.get(r.seq());
                if (problem == null && checkpoint != null && key != null) {
                    byte[] head = HexFormat.of().parseHex(checkpoint.get("headHash").asText());
                    byte[] statement = AuditCanonical.checkpointStatement(r.seq(), head, checkpoint.get("signedAtMicros").asLong());
                    if (!AuditSigningKeys.verify(key, statement, Base64.getDecoder().decode(checkpoint.get("signature").asText()))) {
                        problem = "bad_checkpoint at record " + r.seq() + ": the signature does not verify with the public key";
                    } else if (!AuditCanonical.sameHash(head, r.hash())) {
                        problem = "altered at or before record " + r.seq() + ": the chain does not match the signed checkpoint";
                    } else {
                        checkpointsVerified++;
                    }
                }
                previous = r.hash();
                expected = r.seq() + 1;
            }
        }
        if (problem == null && key != null) {
            Path sig = file.resolveSibling(file.getFileName() + ".sig");
            if (Files.isRegularFile(sig)) {
                JsonNode s = json.readTree(sig.toFile());
                byte[] digest = sha.digest();
                byte[] statement = AuditArchiver.statement(s.get("first_seq").asLong(), s.get("last_seq").asLong(),
                        HexFormat.of().parseHex(s.get("last_hash").asText()), digest);
                if (!AuditSigningKeys.verify(key, statement, Base64.getDecoder().decode(s.get("signature").asText()))
                        || s.get("first_seq").asLong() != first || s.get("last_seq").asLong() != expected - 1) {
                    problem = "bad_signature: " + sig.getFileName() + " does not sign this file's content and range";
                } else {
                    out.println("archive signature " + sig.getFileName() + ": verified (key " + s.get("key_id").asText() + ")");
                }
            }
        }
        out.printf("%s: %d record(s)%s, %d signed checkpoint(s) verified%n", file.getFileName(), count,
                count == 0 ? "" : " " + first + ".." + (expected - 1), checkpointsVerified);
        out.println(problem == null ? "INTACT" : "NOT INTACT: " + problem);
        return problem == null ? OK : NOT_INTACT;
    }

    private static SSLContext trusting(Path pem) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

}

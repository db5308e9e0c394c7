package io.pganalytics.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An <b>emulator</b> of the AWS KMS API for tests, not KMS: a JDK {@link HttpServer} on 127.0.0.1 that speaks the
 * documented JSON 1.1 protocol ({@code POST /}, {@code X-Amz-Target: TrentService.<Operation>},
 * {@code Content-Type: application/x-amz-json-1.1}, errors as {@code {"__type": "...Exception", "message": "..."}}
 * with status 400) for the operations the server's {@code aws-kms} provider calls: CreateKey, CreateAlias,
 * ListAliases (paginated with Limit/Marker/NextMarker/Truncated), DescribeKey, Encrypt, Decrypt, DeleteAlias and
 * ScheduleKeyDeletion.
 * <p>
 * Like KMS, a ciphertext blob is opaque, names its key inside, and authenticates the encryption context: Decrypt with
 * another context (or an altered blob) fails with {@code InvalidCiphertextException}, with another KeyId with
 * {@code IncorrectKeyException}; a key pending deletion refuses with {@code KMSInvalidStateException}.
 * <p>
 * What it does <b>not</b> do: it does not verify SigV4 signatures (it only records the access key id that the
 * {@code Authorization} header names), evaluates no key policy or IAM policy (except the all-or-nothing
 * {@link #denyAll(boolean)} switch, answering {@code AccessDeniedException}), keeps keys in memory, and has no
 * throttling, multi-region keys or grants. A test against it proves the provider's requests, context binding and
 * error handling, not AWS permissions.
 */
public final class KmsEmulator implements AutoCloseable {
    public static final String ACCOUNT = "111122223333";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ACCESS_KEY = Pattern.compile("Credential=([^/]+)/");
    private static final Pattern ALIAS_NAME = Pattern.compile("alias/[a-zA-Z0-9:/_-]{1,250}");

    private final HttpServer server;
    private final ExecutorService executor;
    private final String region;
    private final int maxPage;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Key> keys = new ConcurrentHashMap<>();
    private final Map<String, String> aliases = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile boolean denyAll;
    private final Map<String, Runnable> before = new ConcurrentHashMap<>();

    /** One key: its material never leaves the emulator, as in KMS. */
    public record Key(String id, String arn, String description, byte[] material, String state, Integer pendingWindowDays) {
    }

    /** A request as received: the operation, the access key id the signature names, and the JSON body. */
    public record Call(String operation, String accessKeyId, JsonNode body) {
    }

    private KmsEmulator(String region, int maxPage) throws IOException {
        this.region = region;
        this.maxPage = maxPage;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** An emulator in {@code region} whose list pages hold at most {@code maxPage} aliases (KMS's own cap is 100). */
    public static KmsEmulator start(String region, int maxPage) {
        try {
            return new KmsEmulator(region, maxPage);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the KMS emulator", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers every request with {@code AccessDeniedException} while {@code deny} is true. */
    public void denyAll(boolean deny) {
        this.denyAll = deny;
    }

    /** Runs {@code action} once, just before the next request of {@code operation} is handled (to interleave two clients). */
    public void beforeNext(String operation, Runnable action) {
        before.put(operation, action);
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The key an alias names now, if any. */
    public java.util.Optional<Key> keyOfAlias(String alias) {
        String id = aliases.get(alias);
        return java.util.Optional.ofNullable(id == null ? null : keys.get(id));
    }

    public java.util.Optional<Key> key(String keyId) {
        return java.util.Optional.ofNullable(keys.get(keyId));
    }

    /** Points an existing alias at another key, as {@code aws kms update-alias} would. */
    public void repoint(String alias, String keyId) {
        aliases.put(alias, keyId);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            JsonNode body;
            try (InputStream in = exchange.getRequestBody()) {
                byte[] bytes = in.readNBytes(1 << 20);
                body = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
            }
            String operation = target != null && target.startsWith("TrentService.") ? target.substring("TrentService.".length()) : "";
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            Matcher accessKey = ACCESS_KEY.matcher(authorization == null ? "" : authorization);
            calls.add(new Call(operation, accessKey.find() ? accessKey.group(1) : null, body));
            Runnable hook = before.remove(operation);
            if (hook != null) {
                hook.run();
            }
            JsonNode answer;
            try {
                if (!"POST".equals(exchange.getRequestMethod()) || contentType == null || !contentType.startsWith("application/x-amz-json-1.1")) {
                    throw new Failure("UnrecognizedClientException", "expected POST with application/x-amz-json-1.1");
                }
                if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 ")) {
                    throw new Failure("MissingAuthenticationTokenException", "Request is missing Authentication Token");
                }
                if (denyAll) {
                    throw new Failure("AccessDeniedException", "User: arn:aws:iam::" + ACCOUNT + ":user/test is not authorized to perform: kms:"
                            + operation + " because no identity-based policy allows the kms:" + operation + " action");
                }
                answer = switch (operation) {
                    case "CreateKey" -> createKey(body);
                    case "CreateAlias" -> createAlias(body);
                    case "ListAliases" -> listAliases(body);
                    case "DescribeKey" -> describeKey(body);
                    case "Encrypt" -> encrypt(body);
                    case "Decrypt" -> decrypt(body);
                    case "DeleteAlias" -> deleteAlias(body);
                    case "ScheduleKeyDeletion" -> scheduleKeyDeletion(body);
                    default -> throw new Failure("UnknownOperationException", "unknown operation " + target);
                };
            } catch (Failure f) {
                ObjectNode error = JSON.createObjectNode().put("__type", f.type);
                if (f.getMessage() != null) {
                    error.put("message", f.getMessage());
                }
                send(exchange, 400, error);
                return;
            }
            send(exchange, 200, answer);
        }
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private JsonNode createKey(JsonNode body) throws Failure {
        String spec = text(body, "KeySpec", "SYMMETRIC_DEFAULT");
        String usage = text(body, "KeyUsage", "ENCRYPT_DECRYPT");
        if (!spec.equals("SYMMETRIC_DEFAULT") || !usage.equals("ENCRYPT_DECRYPT")) {
            throw new Failure("UnsupportedOperationException", "the emulator makes only SYMMETRIC_DEFAULT ENCRYPT_DECRYPT keys");
        }
        String id = UUID.randomUUID().toString();
        byte[] material = new byte[32];
        random.nextBytes(material);
        Key key = new Key(id, arn("key/" + id), text(body, "Description", ""), material, "Enabled", null);
        keys.put(id, key);
        return JSON.createObjectNode().set("KeyMetadata", metadata(key));
    }

    private JsonNode createAlias(JsonNode body) throws Failure {
        String alias = required(body, "AliasName");
        if (!ALIAS_NAME.matcher(alias).matches() || alias.startsWith("alias/aws/")) {
            throw new Failure("InvalidAliasNameException", "Alias must start with the prefix \"alias/\" and not \"alias/aws/\"");
        }
        Key key = resolve(required(body, "TargetKeyId"));
        if (aliases.putIfAbsent(alias, key.id()) != null) {
            throw new Failure("AlreadyExistsException", "An alias with the name " + arn(alias) + " already exists");
        }
        return JSON.createObjectNode();
    }

    private JsonNode listAliases(JsonNode body) throws Failure {
        int limit = body.has("Limit") ? body.get("Limit").asInt() : 50;
        if (limit < 1 || limit > 100) {
            throw new Failure("ValidationException", "1 validation error detected: Value at 'limit' failed to satisfy constraint");
        }
        limit = Math.min(limit, maxPage);
        String marker = body.has("Marker") ? body.get("Marker").asText() : null;
        String onlyKey = body.has("KeyId") ? resolve(body.get("KeyId").asText()).id() : null;
        TreeMap<String, String> sorted = new TreeMap<>(aliases);
        List<Map.Entry<String, String>> page = new ArrayList<>();
        String next = null;
        for (Map.Entry<String, String> entry : (marker == null ? sorted : sorted.tailMap(marker, true)).entrySet()) {
            if (onlyKey != null && !onlyKey.equals(entry.getValue())) {
                continue;
            }
            if (page.size() == limit) {
                next = entry.getKey();
                break;
            }
            page.add(entry);
        }
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode list = answer.putArray("Aliases");
        // a predefined AWS alias with no target, as real accounts have: a client must skip it
        if (marker == null && onlyKey == null) {
            list.addObject().put("AliasName", "alias/aws/ebs").put("AliasArn", arn("alias/aws/ebs"));
        }
        for (Map.Entry<String, String> entry : page) {
            list.addObject().put("AliasName", entry.getKey()).put("AliasArn", arn(entry.getKey())).put("TargetKeyId", entry.getValue())
                    .put("CreationDate", Instant.now().getEpochSecond()).put("LastUpdatedDate", Instant.now().getEpochSecond());
        }
        answer.put("Truncated", next != null);
        if (next != null) {
            answer.put("NextMarker", next);
        }
        return answer;
    }

    private JsonNode describeKey(JsonNode body) throws Failure {
        return JSON.createObjectNode().set("KeyMetadata", metadata(resolve(required(body, "KeyId"))));
    }

    private JsonNode encrypt(JsonNode body) throws Failure {
        Key key = usable(resolve(required(body, "KeyId")));
        byte[] plaintext = Base64.getDecoder().decode(required(body, "Plaintext"));
        if (plaintext.length == 0 || plaintext.length > 4096) {
            throw new Failure("ValidationException", "Plaintext must be 1 to 4096 bytes");
        }
        byte[] id = key.id().getBytes(StandardCharsets.US_ASCII);
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        byte[] sealed = gcm(Cipher.ENCRYPT_MODE, key, nonce, context(body), plaintext);
        ByteBuffer blob = ByteBuffer.allocate(2 + id.length + nonce.length + sealed.length);
        blob.put((byte) 1).put((byte) id.length).put(id).put(nonce).put(sealed);
        return JSON.createObjectNode().put("CiphertextBlob", Base64.getEncoder().encodeToString(blob.array()))
                .put("KeyId", key.arn()).put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
    }

    private JsonNode decrypt(JsonNode body) throws Failure {
        byte[] blob = Base64.getDecoder().decode(required(body, "CiphertextBlob"));
        if (blob.length < 2 + 36 + 12 + 16 || blob[0] != 1 || blob[1] != 36) {
            throw new Failure("InvalidCiphertextException", null);
        }
        Key key = keys.get(new String(blob, 2, 36, StandardCharsets.US_ASCII));
        if (key == null) {
            throw new Failure("InvalidCiphertextException", null);
        }
        if (body.has("KeyId") && !resolve(body.get("KeyId").asText()).id().equals(key.id())) {
            throw new Failure("IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.");
        }
        usable(key);
        byte[] nonce = java.util.Arrays.copyOfRange(blob, 38, 50);
        byte[] sealed = java.util.Arrays.copyOfRange(blob, 50, blob.length);
        byte[] plaintext = gcm(Cipher.DECRYPT_MODE, key, nonce, context(body), sealed);
        return JSON.createObjectNode().put("KeyId", key.arn()).put("Plaintext", Base64.getEncoder().encodeToString(plaintext))
                .put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
    }

    private JsonNode deleteAlias(JsonNode body) throws Failure {
        String alias = required(body, "AliasName");
        if (aliases.remove(alias) == null) {
            throw new Failure("NotFoundException", "Alias " + arn(alias) + " is not found.");
        }
        return JSON.createObjectNode();
    }

    private JsonNode scheduleKeyDeletion(JsonNode body) throws Failure {
        Key key = resolve(required(body, "KeyId"));
        int days = body.has("PendingWindowInDays") ? body.get("PendingWindowInDays").asInt() : 30;
        if (days < 7 || days > 30) {
            throw new Failure("ValidationException", "1 validation error detected: Value '" + days
                    + "' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between 7 and 30");
        }
        if (!key.state().equals("Enabled")) {
            throw new Failure("KMSInvalidStateException", key.arn() + " is pending deletion.");
        }
        Key pending = new Key(key.id(), key.arn(), key.description(), key.material(), "PendingDeletion", days);
        keys.put(key.id(), pending);
        return JSON.createObjectNode().put("KeyId", key.arn()).put("KeyState", "PendingDeletion").put("PendingWindowInDays", days)
                .put("DeletionDate", Instant.now().plusSeconds(days * 86_400L).getEpochSecond());
    }

    private Key usable(Key key) throws Failure {
        if (!key.state().equals("Enabled")) {
            throw new Failure("KMSInvalidStateException", key.arn() + " is pending deletion.");
        }
        return key;
    }

    /** A key by id, key ARN, alias name or alias ARN, as KMS accepts them. */
    private Key resolve(String keyId) throws Failure {
        String id = keyId;
        if (id.startsWith("arn:aws:kms:")) {
            id = id.substring(id.indexOf(':', ("arn:aws:kms:" + region + ":").length()) + 1);
            if (id.startsWith("key/")) {
                id = id.substring(4);
            }
        }
        if (id.startsWith("alias/")) {
            String target = aliases.get(id);
            if (target == null) {
                throw new Failure("NotFoundException", "Alias " + arn(id) + " is not found.");
            }
            id = target;
        }
        Key key = keys.get(id);
        if (key == null) {
            throw new Failure("NotFoundException", "Key '" + arn("key/" + id) + "' does not exist");
        }
        return key;
    }

    private ObjectNode metadata(Key key) {
        ObjectNode node = JSON.createObjectNode().put("AWSAccountId", ACCOUNT).put("KeyId", key.id()).put("Arn", key.arn())
                .put("CreationDate", Instant.now().getEpochSecond()).put("Enabled", key.state().equals("Enabled"))
                .put("Description", key.description()).put("KeyUsage", "ENCRYPT_DECRYPT").put("KeyState", key.state())
                .put("Origin", "AWS_KMS").put("KeyManager", "CUSTOMER").put("CustomerMasterKeySpec", "SYMMETRIC_DEFAULT")
                .put("KeySpec", "SYMMETRIC_DEFAULT").put("MultiRegion", false);
        node.putArray("EncryptionAlgorithms").add("SYMMETRIC_DEFAULT");
        if (key.pendingWindowDays() != null) {
            node.put("PendingDeletionWindowInDays", key.pendingWindowDays());
        }
        return node;
    }

    /** The encryption context as associated data: sorted, so that the order of the pairs does not matter (as in KMS). */
    private static byte[] context(JsonNode body) {
        TreeMap<String, String> pairs = new TreeMap<>();
        JsonNode context = body.get("EncryptionContext");
        if (context != null) {
            context.properties().forEach(e -> pairs.put(e.getKey(), e.getValue().asText()));
        }
        StringBuilder out = new StringBuilder();
        pairs.forEach((k, v) -> out.append(k.length()).append(':').append(k).append(v.length()).append(':').append(v));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gcm(int mode, Key key, byte[] nonce, byte[] aad, byte[] input) throws Failure {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(key.material(), "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            // KMS answers a wrong context or an altered blob with no detail
            throw new Failure("InvalidCiphertextException", null);
        }
    }

    private String arn(String resource) {
        return "arn:aws:kms:" + region + ":" + ACCOUNT + ":" + resource;
    }

    private static String text(JsonNode body, String field, String defaultValue) {
        return body.has(field) ? body.get(field).asText() : defaultValue;
    }

    private static String required(JsonNode body, String field) throws Failure {
        if (!body.hasNonNull(field) || body.get(field).asText().isEmpty()) {
            throw new Failure("ValidationException", "1 validation error detected: Value null at '" + field + "' failed to satisfy constraint: "
                    + "Member must not be null");
        }
        return body.get(field).asText();
    }

    private static final class Failure extends Exception {
        private final String type;

        Failure(String type, String message) {
            super(message);
            this.type = type;
        }
    }
}

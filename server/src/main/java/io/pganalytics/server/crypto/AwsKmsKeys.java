package io.pganalytics.server.crypto;

import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.common.crypto.KeyEncryptionKeys;
import io.pganalytics.common.crypto.SealContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.utils.SdkAutoCloseable;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Key-encryption keys in AWS KMS: version {@code N} is the alias {@code <alias-prefix>-vN}, each on its own symmetric
 * KMS key, whose material never leaves KMS. A data key is wrapped with {@code Encrypt} under the alias and unwrapped
 * with {@code Decrypt} naming the same alias; the encryption context carries the {@link SealContext}'s parts and the
 * version, so KMS itself refuses a wrapped key moved to another data key or version (and CloudTrail logs which data
 * key each call was for). Destroying a version deletes its alias and schedules its key's deletion.
 * <p>
 * Thread-safe: the SDK client is, and creating a version is serialized on this node (across nodes, the alias is the
 * lock: KMS refuses a second alias of one name).
 */
final class AwsKmsKeys implements KeyEncryptionKeys {
    static final String KIND = "aws-kms";
    private static final Logger LOG = LoggerFactory.getLogger(AwsKmsKeys.class);
    private static final int LIST_PAGE = 100;

    private final KmsClient client;
    private final AwsCredentialsProvider credentials;
    private final EncryptionConfig.AwsKmsSettings settings;
    private final String region;
    private final Pattern versionAlias;
    /** alias -> the ARN of the key it named when this node first used it: Decrypt must answer with that key. */
    private final Map<String, String> keyArns = new ConcurrentHashMap<>();

    private AwsKmsKeys(KmsClient client, AwsCredentialsProvider credentials, EncryptionConfig.AwsKmsSettings settings, String region) {
        this.client = client;
        this.credentials = credentials;
        this.settings = settings;
        this.region = region;
        this.versionAlias = Pattern.compile(Pattern.quote(settings.aliasPrefix()) + "-v([1-9][0-9]{0,8})");
    }

    /**
     * A client on {@code region} with bounded time (each attempt's connect and read within {@code timeout}, at most
     * {@code maxAttempts} attempts), proven by listing the versions once.
     *
     * @param credentials    owned from here on: closed with this provider (the SDK's default chain holds threads)
     * @throws CryptoException {@code KEY_UNAVAILABLE} when KMS cannot be reached or refuses the credentials
     */
    static AwsKmsKeys open(EncryptionConfig.AwsKmsSettings settings, String region, AwsCredentialsProvider credentials) {
        Duration timeout = settings.timeout();
        KmsClientBuilder builder = KmsClient.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(timeout).socketTimeout(timeout))
                .overrideConfiguration(o -> o
                        .apiCallAttemptTimeout(timeout)
                        .apiCallTimeout(timeout.multipliedBy(settings.maxAttempts()).plusSeconds(settings.maxAttempts()))
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(settings.maxAttempts()).build()));
        settings.endpoint().ifPresent(builder::endpointOverride);
        AwsKmsKeys keys = new AwsKmsKeys(builder.build(), credentials, settings, region);
        try {
            keys.versions();
            return keys;
        } catch (RuntimeException e) {
            keys.close();
            throw e;
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** The alias prefix and region: stable across endpoints (a VPC endpoint reaches the same keys). */
    @Override
    public String location() {
        return settings.aliasPrefix() + " in " + region;
    }

    @Override
    public SortedSet<Integer> versions() {
        SortedSet<Integer> versions = new TreeSet<>();
        try {
            for (AliasListEntry alias : client.listAliasesPaginator(b -> b.limit(LIST_PAGE)).aliases()) {
                Matcher matcher = versionAlias.matcher(alias.aliasName());
                if (alias.targetKeyId() != null && matcher.matches()) {
                    versions.add(Integer.parseInt(matcher.group(1)));
                }
            }
        } catch (SdkException e) {
            throw failure("list the versions", settings.aliasPrefix() + "-v*", e);
        }
        return versions;
    }

    @Override
    public boolean canManage() {
        return settings.createKeys();
    }

    @Override
    public synchronized int createVersion() {
        if (!settings.createKeys()) {
            throw new CryptoException(CryptoException.Reason.REFUSED, "encryption.aws-kms.create-keys is false: the server creates no KMS key; "
                    + "create the next version's key and alias " + settings.aliasPrefix() + "-v<N> in " + region + " yourself (docs/encryption/aws-kms.md)");
        }
        SortedSet<Integer> held = versions();
        int version = held.isEmpty() ? 1 : held.last() + 1;
        String alias = alias(version);
        String keyId;
        try {
            keyId = client.createKey(b -> b.keySpec(KeySpec.SYMMETRIC_DEFAULT).keyUsage(KeyUsageType.ENCRYPT_DECRYPT)
                    .description("pgAnalytics key-encryption key " + alias)
                    .tags(Tag.builder().tagKey("pganalytics").tagValue("key-encryption-key").build())).keyMetadata().keyId();
        } catch (SdkException e) {
            throw failure("create the key of version " + version, alias, e);
        }
        try {
            client.createAlias(b -> b.aliasName(alias).targetKeyId(keyId));
        } catch (AlreadyExistsException e) {
            // another node created this version at the same moment (two first starts, two rotations): the version
            // exists, which is what was asked; the key made here is never used
            scheduleDeletion(keyId, alias);
            LOG.info("encryption: {} in {} was created by another node at the same time; the key {} made here is scheduled for deletion",
                    alias, region, keyId);
            return version;
        } catch (SdkException e) {
            scheduleDeletion(keyId, alias);
            throw failure("create the alias of version " + version, alias, e);
        }
        return version;
    }

    @Override
    public byte[] wrap(int version, byte[] dataKey, SealContext context) {
        String alias = alias(version);
        try {
            return client.encrypt(b -> b.keyId(alias).plaintext(SdkBytes.fromByteArray(dataKey)).encryptionContext(encryptionContext(version, context)))
                    .ciphertextBlob().asByteArray();
        } catch (SdkException e) {
            throw failure("wrap " + context, alias, e);
        }
    }

    @Override
    public byte[] unwrap(int version, byte[] wrapped, SealContext context) {
        String alias = alias(version);
        DecryptResponse response;
        try {
            response = client.decrypt(b -> b.keyId(alias).ciphertextBlob(SdkBytes.fromByteArray(wrapped))
                    .encryptionContext(encryptionContext(version, context)));
        } catch (SdkException e) {
            throw failure("unwrap " + context, alias, e);
        }
        String expected = keyArn(alias);
        if (!expected.equals(response.keyId())) {
            throw new CryptoException(CryptoException.Reason.TAMPERED, context + " was unwrapped by KMS key " + response.keyId() + ", not by "
                    + expected + " that " + alias + " names in " + region);
        }
        return response.plaintext().asByteArray();
    }

    @Override
    public void destroyVersion(int version) {
        if (!settings.createKeys()) {
            throw new CryptoException(CryptoException.Reason.REFUSED, "encryption.aws-kms.create-keys is false: the server deletes no KMS key; "
                    + "schedule the deletion of " + alias(version) + "'s key in " + region + " yourself");
        }
        String alias = alias(version);
        String keyId;
        try {
            keyId = client.describeKey(b -> b.keyId(alias)).keyMetadata().arn();
        } catch (SdkException e) {
            throw failure("find the key of version " + version, alias, e);
        }
        try {
            client.scheduleKeyDeletion(b -> b.keyId(keyId).pendingWindowInDays(settings.deletionWindowDays()));
        } catch (KmsInvalidStateException e) {
            // already pending deletion: an earlier attempt got this far
        } catch (SdkException e) {
            throw failure("schedule the deletion of version " + version, alias, e);
        }
        try {
            client.deleteAlias(b -> b.aliasName(alias));
        } catch (NotFoundException e) {
            // already gone
        } catch (SdkException e) {
            throw failure("delete the alias of version " + version, alias, e);
        }
        keyArns.remove(alias);
    }

    @Override
    public void close() {
        client.close();
        if (credentials instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
    }

    String alias(int version) {
        return settings.aliasPrefix() + "-v" + version;
    }

    /**
     * The context as KMS pairs: non-secret (CloudTrail logs them), every part of the {@link SealContext} (an empty part
     * is left out: the kind says which parts there are) and the version.
     */
    static Map<String, String> encryptionContext(int version, SealContext context) {
        Map<String, String> pairs = new LinkedHashMap<>();
        pairs.put("pganalytics-kind", context.kind());
        pairs.put("pganalytics-owner", context.owner());
        pairs.put("pganalytics-field", context.field());
        pairs.put("pganalytics-id", context.id());
        pairs.put("pganalytics-kek-version", Integer.toString(version));
        pairs.values().removeIf(String::isEmpty);
        return pairs;
    }

    private String keyArn(String alias) {
        String known = keyArns.get(alias);
        if (known != null) {
            return known;
        }
        try {
            String arn = client.describeKey(b -> b.keyId(alias)).keyMetadata().arn();
            keyArns.put(alias, arn);
            return arn;
        } catch (SdkException e) {
            throw failure("describe", alias, e);
        }
    }

    /** Schedules the deletion of a key this node created but could not name: it never wrapped anything. */
    private void scheduleDeletion(String keyId, String alias) {
        try {
            client.scheduleKeyDeletion(b -> b.keyId(keyId).pendingWindowInDays(7));
        } catch (SdkException e) {
            LOG.warn("encryption: the KMS key {} made for {} in {} is unused and could not be scheduled for deletion ({}): delete it by hand",
                    keyId, alias, region, e.getMessage());
        }
    }

    /** KMS's answer as a {@link CryptoException} naming what was attempted, the alias and the region. */
    private CryptoException failure(String what, String alias, SdkException e) {
        String where = alias + " in " + region + settings.endpoint().map(uri -> " (endpoint " + uri + ")").orElse("");
        if (e instanceof InvalidCiphertextException || e instanceof IncorrectKeyException) {
            return new CryptoException(CryptoException.Reason.TAMPERED, "KMS refused to " + what + " with " + where + ": the wrapped key does not "
                    + "authenticate (altered, moved to another data key, or wrapped by another key)", e);
        }
        if (e instanceof NotFoundException) {
            return new CryptoException(CryptoException.Reason.UNKNOWN_KEY, "KMS cannot " + what + ": " + where + " does not exist", e);
        }
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            return new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "KMS refused to " + what + " with " + where + ": "
                    + service.awsErrorDetails().errorCode() + ": " + service.awsErrorDetails().errorMessage(), e);
        }
        return new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "KMS cannot be reached to " + what + " with " + where + ": "
                + e.getMessage(), e);
    }
}

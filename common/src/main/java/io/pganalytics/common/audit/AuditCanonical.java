package io.pganalytics.common.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The canonical form of an audit record and its place in the hash chain. A record's hash is
 * {@code SHA-256(previous hash || canonical form)}; the first record's previous hash is 32 zero bytes (or, once old
 * records were archived and removed, the hash of the last archived record).
 * <p>
 * The canonical form is the record's fields in the fixed order of {@link Fields}, each as a 4-byte big-endian length
 * followed by that many bytes: text as UTF-8, numbers as their decimal digits (ASCII), sealed personal fields as their
 * raw bytes; a null field is the length {@code 0xFFFFFFFF} and nothing else. No JSON, no escaping rules: any language
 * reproduces it from an export in a dozen lines (docs/audit/integrity.md has the script).
 */
public final class AuditCanonical {
    public static final int HASH_BYTES = 32;
    public static final byte[] GENESIS = new byte[HASH_BYTES];

    private AuditCanonical() {
    }

    /**
     * The fields a record's hash covers, in their order. {@code atMicros} is microseconds since the epoch (the
     * database's precision); {@code details} is the exact JSON text stored; the personal fields are sealed bytes.
     */
    public record Fields(long seq, long atMicros, String node, String category, String action, String outcome,
                         String actorKind, String actorId, String actorRoles, String resourceType, String resourceId,
                         Integer status, String errorType, Long durationMicros, String details, byte[] actorPersonal,
                         String subjectId, byte[] subjectPersonal) {
    }

    public static byte[] canonical(Fields f) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        number(out, f.seq());
        number(out, f.atMicros());
        text(out, f.node());
        text(out, f.category());
        text(out, f.action());
        text(out, f.outcome());
        text(out, f.actorKind());
        text(out, f.actorId());
        text(out, f.actorRoles());
        text(out, f.resourceType());
        text(out, f.resourceId());
        number(out, f.status() == null ? null : f.status().longValue());
        text(out, f.errorType());
        number(out, f.durationMicros());
        text(out, f.details());
        bytes(out, f.actorPersonal());
        text(out, f.subjectId());
        bytes(out, f.subjectPersonal());
        return out.toByteArray();
    }

    /** {@code SHA-256(previous || canonical(fields))}. */
    public static byte[] hash(byte[] previous, Fields fields) {
        if (previous == null || previous.length != HASH_BYTES) {
            throw new IllegalArgumentException("the previous hash must be " + HASH_BYTES + " bytes");
        }
        MessageDigest sha = sha256();
        sha.update(previous);
        sha.update(canonical(fields));
        return sha.digest();
    }

    /** What an audit checkpoint's ES256 signature covers: the chain head at {@code seq}, signed at {@code atMicros}. */
    public static byte[] checkpointStatement(long seq, byte[] headHash, long atMicros) {
        String statement = "pganalytics-audit-checkpoint-v1\n" + seq + "\n" + java.util.HexFormat.of().formatHex(headHash) + "\n" + atMicros + "\n";
        return statement.getBytes(StandardCharsets.US_ASCII);
    }

    public static boolean sameHash(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    private static void number(ByteArrayOutputStream out, Long value) {
        text(out, value == null ? null : Long.toString(value));
    }

    private static void text(ByteArrayOutputStream out, String value) {
        bytes(out, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static void bytes(ByteArrayOutputStream out, byte[] value) {
        int length = value == null ? -1 : value.length;
        out.write(length >>> 24);
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
        if (value != null) {
            out.write(value, 0, value.length);
        }
    }

    /** A new SHA-256 digest: the one hash of the audit trail (records, tokens, archive files). */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}

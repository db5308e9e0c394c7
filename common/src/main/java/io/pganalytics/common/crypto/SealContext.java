package io.pganalytics.common.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a sealed value belongs to, authenticated with it (the AES-GCM associated data): a value sealed for one table,
 * column and row, or for one file, does not open anywhere else. {@link #toString()} names it in error messages.
 */
public record SealContext(String kind, String owner, String field, String id) {
    private static final String PREFIX = "pganalytics-seal-v1";

    public SealContext {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(id, "id");
    }

    /** A database value: {@code table}, {@code column} and the row's key as text (e.g. a primary key). */
    public static SealContext record(String table, String column, String rowKey) {
        return new SealContext("record", table, column, rowKey);
    }

    /** A file: what it is for ({@code tls-key}, {@code spool-segment}, ...) and its name. */
    public static SealContext file(String purpose, String name) {
        return new SealContext("file", purpose, "", name);
    }

    /** A data key wrapped by a key-encryption key: the wrapping is bound to the data key's id. */
    public static SealContext dataKey(String scope, String id) {
        return new SealContext("data-key", scope, "", id);
    }

    /** The associated data: every part length-prefixed, so that no two contexts share an encoding. */
    public byte[] associatedData() {
        StringBuilder out = new StringBuilder(PREFIX);
        for (String part : new String[] {kind, owner, field, id}) {
            out.append('|').append(part.length()).append(':').append(part);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case "record" -> owner + "." + field + " of row " + id;
            case "file" -> owner + " file " + id;
            default -> kind + " " + owner + "/" + id;
        };
    }
}

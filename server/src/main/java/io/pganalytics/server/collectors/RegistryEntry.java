package io.pganalytics.server.collectors;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;

import java.io.IOException;
import java.util.Arrays;

/**
 * What the authenticator needs to know of a collector, as the Hazelcast registry {@value CollectorRegistry#MAP}
 * holds it: its credential's hash, whether it is enabled, and its name. An entry without a hash stands for a
 * collector that does not exist (never did, or was deleted), so that repeated misses do not reach the database.
 * <p>
 * A Hazelcast {@link DataSerializable}, never Java serialization (Helidon's JVM-wide filter refuses it).
 */
public final class RegistryEntry implements DataSerializable {
    private byte[] credentialHash;
    private boolean enabled;
    private String name;

    /** For Hazelcast, which reads the fields with {@link #readData}. */
    public RegistryEntry() {
    }

    RegistryEntry(byte[] credentialHash, boolean enabled, String name) {
        this.credentialHash = credentialHash == null ? new byte[0] : credentialHash.clone();
        this.enabled = enabled;
        this.name = name == null ? "" : name;
    }

    static RegistryEntry absent() {
        return new RegistryEntry(new byte[0], false, "");
    }

    static RegistryEntry of(DCollector collector) {
        return collector.getDeletedAt() != null
                ? absent()
                : new RegistryEntry(collector.getCredentialHash(), collector.isEnabled(), collector.getName());
    }

    boolean exists() {
        return credentialHash.length > 0;
    }

    /** Compares in constant time, so that the answer's timing tells nothing about how much of a guess was right. */
    boolean matches(byte[] hash) {
        return exists() && java.security.MessageDigest.isEqual(credentialHash, hash);
    }

    boolean enabled() {
        return enabled;
    }

    String name() {
        return name;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByteArray(credentialHash);
        out.writeBoolean(enabled);
        out.writeString(name);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        byte[] hash = in.readByteArray();
        credentialHash = hash == null ? new byte[0] : hash;
        enabled = in.readBoolean();
        String text = in.readString();
        name = text == null ? "" : text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RegistryEntry entry && enabled == entry.enabled && name.equals(entry.name)
                && Arrays.equals(credentialHash, entry.credentialHash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(credentialHash) * 31 + name.hashCode() + (enabled ? 1 : 0);
    }

    @Override
    public String toString() {
        return "RegistryEntry[exists=" + exists() + ", enabled=" + enabled + ", name=" + name + "]";
    }
}

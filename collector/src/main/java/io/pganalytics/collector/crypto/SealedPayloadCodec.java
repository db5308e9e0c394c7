package io.pganalytics.collector.crypto;

import io.pganalytics.collector.spool.PayloadCodec;
import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.common.crypto.Envelope;
import io.pganalytics.common.crypto.SealContext;

/**
 * Seals every spool record on its own with the collector's current data key, bound to its sequence, target and batch
 * id ({@code SealContext.file("spool-segment", ...)}): a record altered, moved to another position or copied from
 * another record does not open. Reads plain records too (a spool written before encryption was enabled drains
 * normally), and, with {@code sealNew} false (encryption switched off), still reads the sealed records already spooled.
 */
public final class SealedPayloadCodec implements PayloadCodec {
    public static final byte SEALED_ID = 1;
    static final String PURPOSE = "spool-segment";

    private final CollectorKeys keys;
    private final boolean sealNew;

    public SealedPayloadCodec(CollectorKeys keys, boolean sealNew) {
        this.keys = keys;
        this.sealNew = sealNew;
    }

    @Override
    public byte id() {
        return sealNew ? SEALED_ID : PLAIN_ID;
    }

    @Override
    public byte[] encode(RecordAddress address, byte[] payload) {
        return sealNew ? keys.seal(context(address), payload) : payload;
    }

    @Override
    public byte[] decode(byte storedId, RecordAddress address, byte[] stored) throws UnreadablePayloadException {
        if (storedId == PLAIN_ID) {
            if (Envelope.isSealed(stored)) {
                throw new UnreadablePayloadException("a sealed payload in a record marked plain: the record's header was altered");
            }
            return stored;
        }
        if (storedId != SEALED_ID) {
            throw new UnreadablePayloadException("unknown payload codec " + storedId);
        }
        try {
            return keys.open(context(address), stored);
        } catch (CryptoException e) {
            throw new UnreadablePayloadException(e.reason() + ": " + e.getMessage(), e);
        }
    }

    static SealContext context(RecordAddress address) {
        String target = address.targetKey();
        return SealContext.file(PURPOSE, "sequence " + address.sequence() + ", target " + target.length() + ":" + target
                + ", batch " + address.batchId());
    }
}

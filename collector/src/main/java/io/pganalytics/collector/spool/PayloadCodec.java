package io.pganalytics.collector.spool;

/**
 * How a batch's bytes are stored in a spool record: as they are ({@link #PLAIN}) or sealed (the collector's
 * encryption codec). The codec's id is written into every record, so that a record is always read by the codec that
 * wrote it, and a record that codec cannot read is refused instead of shipped.
 */
public interface PayloadCodec {
    /** The id of records stored as they are. */
    byte PLAIN_ID = 0;

    /** Stores the payload as it is, and reads only such records. */
    PayloadCodec PLAIN = new PayloadCodec() {
        @Override
        public byte id() {
            return PLAIN_ID;
        }

        @Override
        public byte[] encode(RecordAddress address, byte[] payload) {
            return payload;
        }

        @Override
        public byte[] decode(byte storedId, RecordAddress address, byte[] stored) throws UnreadablePayloadException {
            if (storedId != PLAIN_ID) {
                throw new UnreadablePayloadException("payload codec " + storedId + " (sealed) where the spool is read without "
                        + "encryption keys");
            }
            return stored;
        }
    };

    /** A small number identifying this codec in the record header. */
    byte id();

    /** The payload as stored in the record of {@code address}. */
    byte[] encode(RecordAddress address, byte[] payload);

    /**
     * The payload stored by the codec {@code storedId} in the record of {@code address}.
     *
     * @throws UnreadablePayloadException when it cannot be read (it does not authenticate, or no codec here reads it)
     */
    byte[] decode(byte storedId, RecordAddress address, byte[] stored) throws UnreadablePayloadException;

    /** Which record a payload belongs to: a sealing codec binds the payload to it. */
    record RecordAddress(long sequence, String targetKey, String batchId) {
    }

    /** A record's payload cannot be read; the spool skips that record (and says so) rather than ship it. */
    final class UnreadablePayloadException extends Exception {
        public UnreadablePayloadException(String message) {
            super(message);
        }

        public UnreadablePayloadException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

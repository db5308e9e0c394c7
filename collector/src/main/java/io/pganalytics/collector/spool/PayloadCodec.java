package io.pganalytics.collector.spool;

/**
 * How a batch's bytes are stored in a spool record. Plain today; encrypting the spool (a later step) is another
 * codec. The codec's id is written into every record, so that a spool written with one codec is never read
 * as if it were another.
 */
public interface PayloadCodec {
    /** Stores the payload as it is. */
    PayloadCodec PLAIN = new PayloadCodec() {
        @Override
        public byte id() {
            return 0;
        }

        @Override
        public byte[] encode(byte[] payload) {
            return payload;
        }

        @Override
        public byte[] decode(byte[] stored) {
            return stored;
        }
    };

    /** A small number identifying this codec in the record header. */
    byte id();

    byte[] encode(byte[] payload);

    byte[] decode(byte[] stored);
}

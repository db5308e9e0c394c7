package io.pganalytics.analytics.anomaly;

import java.io.IOException;

/** A bounded ring of the most recent values, oldest first; floats, since detection needs no more precision. */
final class Ring {
    private final float[] values;
    private int head;
    private int size;

    Ring(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("ring capacity " + capacity + " must be at least 1");
        }
        this.values = new float[capacity];
    }

    void add(double value) {
        values[(head + size) % values.length] = (float) value;
        if (size < values.length) {
            size++;
        } else {
            head = (head + 1) % values.length;
        }
    }

    /** The i-th value, 0 being the oldest kept. */
    double get(int i) {
        return values[(head + i) % values.length];
    }

    int size() {
        return size;
    }

    int capacity() {
        return values.length;
    }

    void clear() {
        head = 0;
        size = 0;
    }

    /** Copies the values, oldest first, into {@code into} from {@code offset}; returns the count copied. */
    int copyTo(double[] into, int offset) {
        for (int i = 0; i < size; i++) {
            into[offset + i] = get(i);
        }
        return size;
    }

    /** The size into the scalars, the values into the floats of a compact state. */
    void write(CompactState.Writer out) throws IOException {
        out.scalars.writeShort(size);
        for (int i = 0; i < size; i++) {
            out.add((float) get(i));
        }
    }

    void read(CompactState.Reader in) throws IOException {
        int n = in.scalars.readShort();
        if (n < 0 || n > values.length) {
            throw new IOException("ring of capacity " + values.length + " cannot hold " + n + " values: state from another configuration");
        }
        clear();
        for (int i = 0; i < n; i++) {
            add(in.next());
        }
    }
}

package io.pganalytics.analytics.anomaly;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The robust seasonal baseline: for each slot of the week (7 * 1440 / slotMinutes slots) a bounded ring of detrended
 * samples, whose median is the seasonal component and whose MAD is that slot's own spread. A slot is read on its own
 * once it holds enough samples (day of week matters); before that, the same time of every day is pooled (time of day).
 *
 * <p>A slot takes at most {@code samplesPerVisit} samples per visit (one slot of one day), spread over the visit by a
 * stride from the series' typical interval, so its ring spans several weeks whatever the interval.
 *
 * <p>The rings share one float array (a slot's ring is {@code capacity} floats from {@code slot * capacity}, with its
 * head and size in two byte arrays): a server holds thousands of profiles, and 336 ring objects each would cost more
 * in object headers than in samples.
 */
final class SeasonalProfile {
    private final float[] samples;
    private final byte[] heads;
    private final byte[] sizes;
    private final int capacity;
    private final int perDay;
    private final int slotSeconds;
    private final int samplesPerVisit;
    private final int minSamples;
    private final ZoneId zone;
    private int visitSlot = -1;
    private long visitStart;
    private int visitIndex;
    private int visitTaken;

    SeasonalProfile(DetectorConfig config) {
        this.perDay = 1440 / config.slotMinutes();
        this.slotSeconds = config.slotMinutes() * 60;
        this.capacity = config.slotSamples();
        this.samples = new float[7 * perDay * capacity];
        this.heads = new byte[7 * perDay];
        this.sizes = new byte[7 * perDay];
        this.samplesPerVisit = config.samplesPerVisit();
        this.minSamples = config.minSlotSamples();
        this.zone = config.zone();
    }

    /** The slot of the week of a time, 0 = Monday from 00:00 in the configured zone. */
    int slotOf(long epochSecond) {
        ZonedDateTime t = Instant.ofEpochSecond(epochSecond).atZone(zone);
        return (t.getDayOfWeek().getValue() - 1) * perDay + (t.getHour() * 60 + t.getMinute()) * 60 / slotSeconds;
    }

    /**
     * Writes the seasonal component and its sigma for a slot into {@code out[0]} and {@code out[1]}, from the slot
     * alone when it is mature, else from the same hour of all days; false when neither holds enough samples yet.
     */
    boolean expectation(int slot, double[] scratch, double[] out) {
        int n;
        if (sizes[slot] >= minSamples) {
            n = copyTo(slot, scratch, 0);
        } else {
            n = 0;
            for (int day = 0; day < 7; day++) {
                n += copyTo(day * perDay + slot % perDay, scratch, n);
            }
            if (n < minSamples) {
                return false;
            }
        }
        double median = Robust.median(scratch, n);
        out[0] = median;
        out[1] = Robust.sigma(scratch, n, median);
        return true;
    }

    /** Largest number of values {@link #expectation} copies into its scratch array. */
    int scratchSize() {
        return 7 * capacity;
    }

    private int copyTo(int slot, double[] into, int offset) {
        int base = slot * capacity;
        int n = sizes[slot];
        for (int i = 0; i < n; i++) {
            into[offset + i] = samples[base + (heads[slot] + i) % capacity];
        }
        return n;
    }

    private void add(int slot, double value) {
        int base = slot * capacity;
        if (sizes[slot] < capacity) {
            samples[base + (heads[slot] + sizes[slot]) % capacity] = (float) value;
            sizes[slot]++;
        } else {
            samples[base + heads[slot]] = (float) value;
            heads[slot] = (byte) ((heads[slot] + 1) % capacity);
        }
    }

    void offer(int slot, long epochSecond, double detrended, double intervalSeconds) {
        if (slot != visitSlot || epochSecond - visitStart >= slotSeconds) {
            visitSlot = slot;
            visitStart = epochSecond;
            visitIndex = 0;
            visitTaken = 0;
        }
        double pointsPerVisit = slotSeconds / Math.max(intervalSeconds, 1.0);
        int stride = (int) Math.max(1, Math.floor(pointsPerVisit / samplesPerVisit));
        // a threshold, not visitIndex % stride: the stride follows the measured interval, and with irregular intervals
        // it changes within a visit, where a modulo would skip the sample
        if (visitTaken < samplesPerVisit && visitIndex >= visitTaken * stride) {
            add(slot, detrended);
            visitTaken++;
        }
        visitIndex++;
    }

    void write(CompactState.Writer out) throws IOException {
        out.scalars.writeShort(visitSlot);
        out.scalars.writeLong(visitStart);
        out.scalars.writeInt(visitIndex);
        out.scalars.writeShort(visitTaken);
        out.scalars.write(sizes);
        for (int slot = 0; slot < sizes.length; slot++) {
            int base = slot * capacity;
            for (int i = 0; i < sizes[slot]; i++) {
                out.add(samples[base + (heads[slot] + i) % capacity]);
            }
        }
    }

    void read(CompactState.Reader in) throws IOException {
        visitSlot = in.scalars.readShort();
        visitStart = in.scalars.readLong();
        visitIndex = in.scalars.readInt();
        visitTaken = in.scalars.readShort();
        in.scalars.readFully(sizes);
        for (int slot = 0; slot < sizes.length; slot++) {
            if (sizes[slot] < 0 || sizes[slot] > capacity) {
                throw new IOException("seasonal slot of capacity " + capacity + " cannot hold " + sizes[slot] + " samples");
            }
            heads[slot] = 0;
            int base = slot * capacity;
            for (int i = 0; i < sizes[slot]; i++) {
                samples[base + i] = in.next();
            }
        }
    }
}

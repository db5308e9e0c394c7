package io.pganalytics.analytics.anomaly;

import java.io.DataInput;
import java.io.DataOutput;
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
 */
final class SeasonalProfile {
    private final Ring[] slots;
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
        this.slots = new Ring[7 * perDay];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Ring(config.slotSamples());
        }
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
        Ring own = slots[slot];
        int n;
        if (own.size() >= minSamples) {
            n = own.copyTo(scratch, 0);
        } else {
            n = 0;
            for (int day = 0; day < 7; day++) {
                n += slots[day * perDay + slot % perDay].copyTo(scratch, n);
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
        return 7 * slots[0].capacity();
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
        if (visitTaken < samplesPerVisit && visitIndex % stride == 0) {
            slots[slot].add(detrended);
            visitTaken++;
        }
        visitIndex++;
    }

    void write(DataOutput out) throws IOException {
        out.writeShort(visitSlot);
        out.writeLong(visitStart);
        out.writeInt(visitIndex);
        out.writeShort(visitTaken);
        for (Ring r : slots) {
            r.write(out);
        }
    }

    void read(DataInput in) throws IOException {
        visitSlot = in.readShort();
        visitStart = in.readLong();
        visitIndex = in.readInt();
        visitTaken = in.readShort();
        for (Ring r : slots) {
            r.read(in);
        }
    }
}

package io.pganalytics.analytics.anomaly;

import java.io.IOException;

/**
 * The largest scores of a series' recent past, as the maxima of {@link DetectorConfig#MEMORY_BLOCKS} blocks of
 * points: what this series has done lately, in 64 numbers whatever the span.
 */
final class ScoreMemory {
    private final Ring blocks = new Ring(DetectorConfig.MEMORY_BLOCKS);
    private final int blockPoints;
    private double current;
    private int inCurrent;

    ScoreMemory(int memoryPoints) {
        this.blockPoints = Math.max(1, memoryPoints / DetectorConfig.MEMORY_BLOCKS);
    }

    double max() {
        double max = current;
        for (int i = 0; i < blocks.size(); i++) {
            max = Math.max(max, blocks.get(i));
        }
        return max;
    }

    void add(double score) {
        current = Math.max(current, score);
        if (++inCurrent >= blockPoints) {
            blocks.add(current);
            current = 0;
            inCurrent = 0;
        }
    }

    void write(CompactState.Writer out) throws IOException {
        out.scalars.writeDouble(current);
        out.scalars.writeInt(inCurrent);
        blocks.write(out);
    }

    void read(CompactState.Reader in) throws IOException {
        current = in.scalars.readDouble();
        inCurrent = in.scalars.readInt();
        blocks.read(in);
    }
}

package io.pganalytics.analytics.anomaly;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The streaming detector of one series. Each point is scored against a streaming seasonal-trend decomposition:
 * season = {@link SeasonalProfile} (median of the raw values by slot of the week), trend = running median of the
 * recent deviations from the season (the plain recent level until the season is known), residual tested against a
 * robust sigma (MAD of recent residuals, or the slot's own MAD when wider). The score is the smaller, in magnitude, of
 * that residual z-score and the z-score against the plain recent level, so a point must be unusual both for its season
 * and for its neighbourhood (a daily peak is not flagged), unless it is far off its season alone (seasonalAlone).
 * A point is anomalous when its score reaches the threshold and also {@code surprise} times the largest score of the
 * series' recent past ({@link ScoreMemory}): a noisy series alerts on what it has not done lately.
 *
 * <p>A departure that lasts (the median residual of the last {@code shiftPoints} points reaches {@code shiftSigma}, or
 * that many anomalous points in a row on one side) is a level shift when a step fits those residuals best, a trend
 * change when a ramp does ({@link TrendTest}); either way the level re-bases at once. Anomalous points form an episode
 * that closes after {@code quietPoints} normal points; only an episode's first point is an alert, and a new episode
 * within {@code cooldownPoints} of the last alert is merged into it.
 *
 * <p>Counts and small gauges (every value a whole number) get a sigma of at least {@code countFloor}; after a gap of
 * more than {@code gapPoints} intervals the recent level and trend are re-learnt (the verdicts say learning meanwhile).
 *
 * <p>Cost per point: O(window log window); state: about 4 * (3 * window + 7 * 1440 / slotMinutes * slotSamples + 64)
 * floats' bytes in memory (17 kB at the defaults), written compactly and losslessly by {@link #snapshot()} (13 kB for
 * a noisy series with every slot full, under 1 kB for counts) and read by {@link #restore}. Not thread-safe: one owner
 * per detector (the working array is per thread, so detectors on several threads are fine).
 */
public final class SeriesDetector {
    /** 2: the compact form ({@link CompactState}); 1, the plain form of the first release, is refused. */
    private static final int FORMAT = 2;
    /** Working space of {@link #observe}, one per thread: a server holds thousands of detectors, and scores few at once. */
    private static final ThreadLocal<double[]> SCRATCH = ThreadLocal.withInitial(() -> new double[0]);

    private final DetectorConfig config;
    private final Ring levels;
    private final Ring deseasonalised;
    private final Ring residuals;
    private final SeasonalProfile season;
    private final int scratchSize;
    private double[] scratch;
    private final double[] seasonOut = new double[2];
    private final ScoreMemory memory;

    private long points;
    private long lastEpochSecond;
    private double interval;
    private int run;
    private int runSign;
    private boolean inEpisode;
    private int quiet;
    private long lastAlert = Long.MIN_VALUE;
    private boolean fractional;
    private int relearn;

    public SeriesDetector(DetectorConfig config) {
        this.config = config;
        this.levels = new Ring(config.window());
        this.deseasonalised = new Ring(config.window());
        this.residuals = new Ring(config.window());
        this.season = new SeasonalProfile(config);
        this.scratchSize = Math.max(config.window(), season.scratchSize());
        this.memory = new ScoreMemory(config.memoryPoints());
    }

    public boolean learning() {
        return points < config.learningPoints() || levels.size() < 2 || relearn > 0;
    }

    public long points() {
        return points;
    }

    /**
     * Scores one point and learns from it.
     *
     * @throws IllegalArgumentException for a value that is not finite or a time not after the previous point's;
     *                                  the detector is then unchanged
     */
    public Verdict observe(long epochSecond, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("anomaly detector: value " + value + " at " + epochSecond + " is not finite");
        }
        if (points > 0 && epochSecond <= lastEpochSecond) {
            throw new IllegalArgumentException("anomaly detector: point at " + epochSecond
                    + " is not after the previous point at " + lastEpochSecond);
        }
        scratch = SCRATCH.get();
        if (scratch.length < scratchSize) {
            scratch = new double[scratchSize];
            SCRATCH.set(scratch);
        }
        if (points > 0 && interval > 0 && epochSecond - lastEpochSecond > config.gapPoints() * interval) {
            forgetRecent();
        }
        boolean learning = learning();
        int slot = season.slotOf(epochSecond);
        boolean seasonal = season.expectation(slot, scratch, seasonOut);
        double seasonalPart = seasonal ? seasonOut[0] : 0;
        double slotSigma = seasonal ? seasonOut[1] : 0;

        int n = levels.copyTo(scratch, 0);
        double level = n == 0 ? value : Robust.median(scratch, n);
        double levelFloor = floor(level);
        double levelSigma = n < 2 ? Double.NaN : Math.max(Robust.sigma(scratch, n, level), levelFloor);
        // trend: the running median of the deviations from the season (0 until the season is known)
        n = deseasonalised.copyTo(scratch, 0);
        double trendPart = seasonal ? (n == 0 ? 0 : Robust.median(scratch, n)) : level;
        double expected = trendPart + seasonalPart;
        double floor = floor(expected);
        n = residuals.copyTo(scratch, 0);
        double residualSigma = n < 2 ? 0 : Robust.sigma(scratch, n, Robust.median(scratch, n));
        double sigma = Math.max(Math.max(residualSigma, slotSigma), floor);
        if (Double.isNaN(levelSigma)) {
            levelSigma = sigma;
        }

        double zSeason = (value - expected) / sigma;
        double zLevel = (value - level) / levelSigma;
        double z = seasonal && Math.abs(zLevel) < Math.abs(zSeason) ? zLevel : zSeason;
        if (seasonal && Math.abs(zSeason) >= config.seasonalAlone() * config.threshold()) {
            z = zSeason;
        }

        Kind kind = Kind.NONE;
        boolean moved = false;
        if (!learning) {
            kind = classify(z);
            if (kind == Kind.NONE && sustainedShift(value - expected, sigma)) {
                // the last shiftPoints residuals are in scratch: a ramp that fits them better than a step is a trend
                kind = TrendTest.rampFitsBetterThanStep(scratch, config.shiftPoints()) ? Kind.TREND_CHANGE : Kind.LEVEL_SHIFT;
                moved = true;
            }
            memory.add(Math.abs(z));
        }
        boolean alert = track(kind != Kind.NONE);

        learn(epochSecond, value, slot, seasonal, seasonalPart, expected, learning ? Double.NaN : sigma);
        if (moved || kind == Kind.LEVEL_SHIFT) {
            rebase();
        }
        double band = config.threshold() * sigma;
        scratch = null;
        return new Verdict(epochSecond, value, learning, expected, expected - band, expected + band,
                learning ? 0 : Math.abs(z), kind, alert);
    }

    /**
     * The smallest sigma around a centre: a fraction of it (near-constant series), and for a series whose values have
     * all been whole numbers (counts, small gauges) countFloor, since a count moves by whole steps.
     */
    private double floor(double center) {
        double f = Math.max(config.relativeFloor() * Math.abs(center), 1e-9);
        return fractional ? f : Math.max(f, config.countFloor());
    }

    /**
     * After a gap of more than gapPoints intervals (a collector outage), the recent level and trend describe another
     * moment: forget them and re-learn them from the next points, so the first points after the gap are not
     * judged against a stale level (a burst of false alarms). The season and the residual scale still hold.
     */
    private void forgetRecent() {
        levels.clear();
        deseasonalised.clear();
        run = 0;
        runSign = 0;
        relearn = Math.max(2, config.shiftPoints() / 2);
    }

    private Kind classify(double z) {
        if (Math.abs(z) >= config.threshold() && Math.abs(z) >= config.surprise() * memory.max()) {
            int sign = z > 0 ? 1 : -1;
            run = sign == runSign ? run + 1 : 1;
            runSign = sign;
            return run >= config.shiftPoints() ? Kind.LEVEL_SHIFT : Kind.SPIKE;
        }
        run = 0;
        runSign = 0;
        return Kind.NONE;
    }

    /** True when the median residual of the last shiftPoints points (this one included) reaches shiftSigma. */
    private boolean sustainedShift(double residual, double sigma) {
        int m = config.shiftPoints();
        int have = residuals.size();
        if (have < m - 1) {
            return false;
        }
        for (int i = 0; i < m - 1; i++) {
            scratch[i] = residuals.get(have - m + 1 + i);
        }
        scratch[m - 1] = residual;
        double[] sorted = java.util.Arrays.copyOf(scratch, m);
        return Math.abs(Robust.median(sorted, m)) >= config.shiftSigma() * sigma;
    }

    /** Episode bookkeeping; true when this point opens an episode that is to be alerted. */
    private boolean track(boolean anomalous) {
        if (anomalous) {
            quiet = 0;
            if (!inEpisode) {
                inEpisode = true;
                if (lastAlert == Long.MIN_VALUE || points - lastAlert > config.cooldownPoints()) {
                    lastAlert = points;
                    return true;
                }
            }
        } else if (inEpisode && ++quiet >= config.quietPoints()) {
            inEpisode = false;
        }
        return false;
    }

    private void learn(long epochSecond, double value, int slot, boolean seasonal, double seasonalPart,
                       double expected, double sigma) {
        if (points > 0) {
            // a gap counts at most as 4 intervals: an outage is not the cadence, a changed cadence is learnt in a few points
            double gap = epochSecond - lastEpochSecond;
            interval = interval == 0 ? gap : 0.9 * interval + 0.1 * Math.min(gap, 4 * interval);
        }
        // once learnt, outliers enter the residual history clamped to the band, so a spike cannot widen it; the
        // seasonal samples take the value itself (their median and MAD resist outliers, and a season that changes
        // must be learnt)
        double clamped = value;
        if (!Double.isNaN(sigma)) {
            double band = config.threshold() * sigma;
            clamped = Math.max(expected - band, Math.min(expected + band, value));
        }
        levels.add(value);
        if (seasonal) {
            deseasonalised.add(value - seasonalPart);
        }
        residuals.add(clamped - expected);
        season.offer(slot, epochSecond, value, interval == 0 ? 60 : interval);
        points++;
        lastEpochSecond = epochSecond;
        fractional |= value != Math.rint(value);
        if (relearn > 0) {
            relearn--;
        }
    }

    /** After a level shift: keep only the shifted points, so level and trend are the new ones at once. */
    private void rebase() {
        keepLast(levels, config.shiftPoints());
        keepLast(deseasonalised, config.shiftPoints());
        run = 0;
    }

    private void keepLast(Ring ring, int keep) {
        int n = ring.copyTo(scratch, 0);
        ring.clear();
        for (int i = Math.max(0, n - keep); i < n; i++) {
            ring.add(scratch[i]);
        }
    }

    /**
     * The whole state as bytes, to keep in a distributed map or the database; {@link #restore} reads it back. Compact
     * (deflated byte planes of the float state, see {@link CompactState}) and lossless: the restored detector gives the
     * same verdicts as this one.
     */
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(2048);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeInt(config.window());
            out.writeInt(config.slotSamples() * 10000 + config.slotMinutes());
            CompactState.Writer state = new CompactState.Writer();
            DataOutputStream s = state.scalars;
            s.writeLong(points);
            s.writeLong(lastEpochSecond);
            s.writeDouble(interval);
            s.writeInt(run);
            s.writeByte(runSign);
            s.writeBoolean(inEpisode);
            s.writeInt(quiet);
            s.writeLong(lastAlert);
            s.writeBoolean(fractional);
            s.writeInt(relearn);
            levels.write(state);
            deseasonalised.write(state);
            residuals.write(state);
            season.write(state);
            memory.write(state);
            state.finish(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * A detector with the state of {@link #snapshot()} under {@code config}.
     *
     * @throws IllegalArgumentException when the bytes are not a snapshot of this format (a snapshot of the first
     *                                  release's format 1 included: start a new detector then), or were taken under
     *                                  another window or slot size
     */
    public static SeriesDetector restore(DetectorConfig config, byte[] snapshot) {
        SeriesDetector d = new SeriesDetector(config);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            int format = in.readByte();
            int window = in.readInt();
            int slotSamples = in.readInt();
            if (format != FORMAT || window != config.window() || slotSamples != config.slotSamples() * 10000 + config.slotMinutes()) {
                throw new IllegalArgumentException("anomaly detector: snapshot format " + format + ", window " + window
                        + ", slotSamples " + slotSamples + " does not fit this configuration (format " + FORMAT
                        + ", window " + config.window() + ", slotSamples " + config.slotSamples() + ")");
            }
            CompactState.Reader state = new CompactState.Reader(in);
            DataInputStream s = state.scalars;
            d.points = s.readLong();
            d.lastEpochSecond = s.readLong();
            d.interval = s.readDouble();
            d.run = s.readInt();
            d.runSign = s.readByte();
            d.inEpisode = s.readBoolean();
            d.quiet = s.readInt();
            d.lastAlert = s.readLong();
            d.fractional = s.readBoolean();
            d.relearn = s.readInt();
            d.levels.read(state);
            d.deseasonalised.read(state);
            d.residuals.read(state);
            d.season.read(state);
            d.memory.read(state);
            state.end();
        } catch (IOException e) {
            throw new IllegalArgumentException("anomaly detector: snapshot of " + snapshot.length + " bytes is unreadable: " + e.getMessage(), e);
        }
        return d;
    }
}

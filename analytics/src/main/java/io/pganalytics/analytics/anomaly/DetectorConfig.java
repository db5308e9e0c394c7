package io.pganalytics.analytics.anomaly;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every knob of {@link SeriesDetector}, validated once. Windows and counts are in points (collection intervals), not
 * time, so one configuration fits series of any interval.
 *
 * @param window              recent points kept for the level, the trend and the residual scale (O(window) per point)
 * @param learningPoints      points seen before anything may be flagged (the "learning" state)
 * @param threshold           robust z-score (deviation over the robust sigma) from which a point is anomalous
 * @param slotMinutes         width of a slot of the seasonal profile (a divisor of 1440): 7 * 1440 / slotMinutes slots
 * @param slotSamples         samples kept per slot of the seasonal profile (time of day and day of week)
 * @param samplesPerVisit     samples a slot takes per visit (one slot of one day), spread over the visit
 * @param minSlotSamples      samples a slot (or the pooled hour of day) needs before seasonality is used
 * @param quietPoints         normal points in a row that close an anomaly episode
 * @param cooldownPoints      points after an alert during which a new episode is merged into it, not re-alerted
 * @param seasonalAlone       a deviation from the season alone of at least this multiple of the threshold is
 *                            anomalous even where the recent level makes it look ordinary (a missing daily peak)
 * @param shiftPoints         points of the level-shift test: when the median residual of the last shiftPoints points
 *                            reaches shiftSigma sigmas, or that many anomalous points in a row fall on one side, the
 *                            series moved to a new level, which re-bases at once
 * @param shiftSigma          the median residual, in sigmas, of the last shiftPoints points that makes a level shift
 * @param relativeFloor       smallest sigma, as a fraction of the level, so near-constant series are not hair-trigger
 * @param memoryPoints        points over which the series' own largest recent scores are remembered (kept as maxima
 *                            of blocks of memoryPoints / 64 points, so the state stays at 64 numbers)
 * @param surprise            a point is anomalous only if its score is also at least this multiple of the largest
 *                            score of the last memoryPoints points: a series that routinely jumps by 6 sigmas
 *                            alerts on what it has not done lately, not on its routine (0 turns this off)
 * @param zone                the time zone of "hour of day" and "day of week"
 * @param countFloor          smallest sigma of a series whose values have all been whole numbers (counts and gauges
 *                            such as deadlocks or connections): a count that usually sits still is not an anomaly
 *                            when it moves by one or two (0 turns this off)
 * @param gapPoints           a gap longer than this many typical intervals (a collector outage) makes the recent level
 *                            and trend stale: they are forgotten and the next shiftPoints / 2 points re-learn them
 *                            (verdicts say learning meanwhile); the seasonal profile and the noise scale are kept
 */
public record DetectorConfig(int window, int learningPoints, double threshold, int slotMinutes, int slotSamples, int samplesPerVisit,
                             int minSlotSamples, int quietPoints, int cooldownPoints, double seasonalAlone,
                             int shiftPoints, double shiftSigma,
                             double relativeFloor, int memoryPoints, double surprise,
                             ZoneId zone, double countFloor, int gapPoints) {
    /** Blocks of the score memory. */
    public static final int MEMORY_BLOCKS = 64;
    private static final double DEFAULT_COUNT_FLOOR = 1.0;
    private static final int DEFAULT_GAP_POINTS = 60;


    public DetectorConfig {
        require(window >= 16 && window <= 4096, "window", window, "16..4096");
        require(learningPoints >= 0, "learningPoints", learningPoints, ">= 0");
        require(threshold > 0, "threshold", threshold, "> 0");
        require(slotMinutes >= 5 && slotMinutes <= 240 && 1440 % slotMinutes == 0, "slotMinutes", slotMinutes, "5..240, dividing 1440");
        require(slotSamples >= 1 && slotSamples <= 64, "slotSamples", slotSamples, "1..64");
        require(samplesPerVisit >= 1 && samplesPerVisit <= slotSamples, "samplesPerVisit", samplesPerVisit, "1..slotSamples");
        require(minSlotSamples >= 1 && minSlotSamples <= slotSamples * 7, "minSlotSamples", minSlotSamples, "1..7*slotSamples");
        require(quietPoints >= 1, "quietPoints", quietPoints, ">= 1");
        require(cooldownPoints >= 0, "cooldownPoints", cooldownPoints, ">= 0");
        require(seasonalAlone >= 1, "seasonalAlone", seasonalAlone, ">= 1");
        require(shiftSigma > 0, "shiftSigma", shiftSigma, "> 0");
        require(shiftPoints >= 2 && shiftPoints <= window / 2, "shiftPoints", shiftPoints, "2..window/2");
        require(relativeFloor >= 0 && relativeFloor < 1, "relativeFloor", relativeFloor, "0..1");
        require(memoryPoints >= MEMORY_BLOCKS && memoryPoints <= 1 << 20, "memoryPoints", memoryPoints, "64..1048576");
        require(surprise >= 0 && surprise <= 10, "surprise", surprise, "0..10");
        if (zone == null) {
            throw new IllegalArgumentException("anomaly detector: zone is required");
        }
        require(countFloor >= 0 && countFloor <= 100, "countFloor", countFloor, "0..100");
        require(gapPoints >= 2, "gapPoints", gapPoints, ">= 2");
    }

    /** The knobs before countFloor and gapPoints, which take their defaults. */
    public DetectorConfig(int window, int learningPoints, double threshold, int slotMinutes, int slotSamples,
                          int samplesPerVisit, int minSlotSamples, int quietPoints, int cooldownPoints,
                          double seasonalAlone, int shiftPoints, double shiftSigma, double relativeFloor,
                          int memoryPoints, double surprise, ZoneId zone) {
        this(window, learningPoints, threshold, slotMinutes, slotSamples, samplesPerVisit, minSlotSamples, quietPoints,
                cooldownPoints, seasonalAlone, shiftPoints, shiftSigma, relativeFloor, memoryPoints, surprise, zone,
                DEFAULT_COUNT_FLOOR, DEFAULT_GAP_POINTS);
    }

    /** The defaults: the one configuration measured on nab-dev (docs/ANOMALIES.md). */
    public static DetectorConfig defaults() {
        return new DetectorConfig(240, 120, 4.0, 30, 10, 2, 4, 36, 0, 2.0, 24, 2.75, 0.001, 2048, 0.9,
                ZoneOffset.UTC);
    }

    /** This configuration with the named knobs replaced ({@code threshold=6}); unknown names are an error. */
    public DetectorConfig with(Map<String, String> overrides) {
        Map<String, String> v = new LinkedHashMap<>(asMap());
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!v.containsKey(e.getKey())) {
                throw new IllegalArgumentException("anomaly detector: unknown setting '" + e.getKey() + "'; known: " + v.keySet());
            }
            v.put(e.getKey(), e.getValue().trim());
        }
        try {
            return new DetectorConfig(Integer.parseInt(v.get("window")), Integer.parseInt(v.get("learningPoints")),
                    Double.parseDouble(v.get("threshold")), Integer.parseInt(v.get("slotMinutes")),
                    Integer.parseInt(v.get("slotSamples")),
                    Integer.parseInt(v.get("samplesPerVisit")), Integer.parseInt(v.get("minSlotSamples")),
                    Integer.parseInt(v.get("quietPoints")), Integer.parseInt(v.get("cooldownPoints")),
                    Double.parseDouble(v.get("seasonalAlone")), Integer.parseInt(v.get("shiftPoints")),
                    Double.parseDouble(v.get("shiftSigma")),
                    Double.parseDouble(v.get("relativeFloor")), Integer.parseInt(v.get("memoryPoints")),
                    Double.parseDouble(v.get("surprise")), ZoneId.of(v.get("zone")),
                    Double.parseDouble(v.get("countFloor")), Integer.parseInt(v.get("gapPoints")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("anomaly detector: not a number in " + overrides + ": " + e.getMessage(), e);
        }
    }

    /** The knobs by name, as {@link #with} reads them. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("window", Integer.toString(window));
        m.put("learningPoints", Integer.toString(learningPoints));
        m.put("threshold", Double.toString(threshold));
        m.put("slotMinutes", Integer.toString(slotMinutes));
        m.put("slotSamples", Integer.toString(slotSamples));
        m.put("samplesPerVisit", Integer.toString(samplesPerVisit));
        m.put("minSlotSamples", Integer.toString(minSlotSamples));
        m.put("quietPoints", Integer.toString(quietPoints));
        m.put("cooldownPoints", Integer.toString(cooldownPoints));
        m.put("seasonalAlone", Double.toString(seasonalAlone));
        m.put("shiftPoints", Integer.toString(shiftPoints));
        m.put("shiftSigma", Double.toString(shiftSigma));
        m.put("relativeFloor", Double.toString(relativeFloor));
        m.put("memoryPoints", Integer.toString(memoryPoints));
        m.put("surprise", Double.toString(surprise));
        m.put("zone", zone.getId());
        m.put("countFloor", Double.toString(countFloor));
        m.put("gapPoints", Integer.toString(gapPoints));
        return m;
    }

    private static void require(boolean ok, String name, Object value, String range) {
        if (!ok) {
            throw new IllegalArgumentException("anomaly detector: " + name + " = " + value + " is out of range (" + range + ")");
        }
    }
}

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
 * @param slotSamples         samples kept per hour-of-week slot of the seasonal profile
 * @param samplesPerVisit     samples a slot takes per visit (one hour of one day), spread over the visit
 * @param minSlotSamples      samples a slot (or the pooled hour of day) needs before seasonality is used
 * @param quietPoints         normal points in a row that close an anomaly episode
 * @param cooldownPoints      points after an alert during which a new episode is merged into it, not re-alerted
 * @param shiftPoints         anomalous points in a row on one side that make a level shift: the level re-bases
 * @param trendThreshold      drift (in robust sigmas over half a window) between the older and the newer half's
 *                            slope from which a trend change is flagged
 * @param relativeFloor       smallest sigma, as a fraction of the level, so near-constant series are not hair-trigger
 * @param zone                the time zone of "hour of day" and "day of week"
 */
public record DetectorConfig(int window, int learningPoints, double threshold, int slotSamples, int samplesPerVisit,
                             int minSlotSamples, int quietPoints, int cooldownPoints, int shiftPoints,
                             double trendThreshold, double relativeFloor, ZoneId zone) {

    public DetectorConfig {
        require(window >= 16 && window <= 4096, "window", window, "16..4096");
        require(learningPoints >= 0, "learningPoints", learningPoints, ">= 0");
        require(threshold > 0, "threshold", threshold, "> 0");
        require(slotSamples >= 1 && slotSamples <= 64, "slotSamples", slotSamples, "1..64");
        require(samplesPerVisit >= 1 && samplesPerVisit <= slotSamples, "samplesPerVisit", samplesPerVisit, "1..slotSamples");
        require(minSlotSamples >= 1 && minSlotSamples <= slotSamples * 7, "minSlotSamples", minSlotSamples, "1..7*slotSamples");
        require(quietPoints >= 1, "quietPoints", quietPoints, ">= 1");
        require(cooldownPoints >= 0, "cooldownPoints", cooldownPoints, ">= 0");
        require(shiftPoints >= 2 && shiftPoints <= window / 2, "shiftPoints", shiftPoints, "2..window/2");
        require(trendThreshold > 0, "trendThreshold", trendThreshold, "> 0");
        require(relativeFloor >= 0 && relativeFloor < 1, "relativeFloor", relativeFloor, "0..1");
        if (zone == null) {
            throw new IllegalArgumentException("anomaly detector: zone is required");
        }
    }

    /** The defaults: the one configuration measured on nab-dev (docs/ANOMALIES.md). */
    public static DetectorConfig defaults() {
        return new DetectorConfig(120, 120, 5.0, 6, 2, 4, 5, 0, 6, 8.0, 0.001, ZoneOffset.UTC);
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
                    Double.parseDouble(v.get("threshold")), Integer.parseInt(v.get("slotSamples")),
                    Integer.parseInt(v.get("samplesPerVisit")), Integer.parseInt(v.get("minSlotSamples")),
                    Integer.parseInt(v.get("quietPoints")), Integer.parseInt(v.get("cooldownPoints")),
                    Integer.parseInt(v.get("shiftPoints")), Double.parseDouble(v.get("trendThreshold")),
                    Double.parseDouble(v.get("relativeFloor")), ZoneId.of(v.get("zone")));
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
        m.put("slotSamples", Integer.toString(slotSamples));
        m.put("samplesPerVisit", Integer.toString(samplesPerVisit));
        m.put("minSlotSamples", Integer.toString(minSlotSamples));
        m.put("quietPoints", Integer.toString(quietPoints));
        m.put("cooldownPoints", Integer.toString(cooldownPoints));
        m.put("shiftPoints", Integer.toString(shiftPoints));
        m.put("trendThreshold", Double.toString(trendThreshold));
        m.put("relativeFloor", Double.toString(relativeFloor));
        m.put("zone", zone.getId());
        return m;
    }

    private static void require(boolean ok, String name, Object value, String range) {
        if (!ok) {
            throw new IllegalArgumentException("anomaly detector: " + name + " = " + value + " is out of range (" + range + ")");
        }
    }
}

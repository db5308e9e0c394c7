package io.pganalytics.common.query;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.pganalytics.common.json.Int64Text;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/instances/{id}/queries/{queryid}}: one statement, its full text and timeline.
 *
 * @param instanceId  the instance
 * @param queryid     the statement (a JSON string, see {@link Int64Text})
 * @param dbid        the database asked for, or null for all databases the statement ran in
 * @param datname     the database's name (the first one's when several)
 * @param text        the full normalised text, or null when its text never arrived
 * @param from        the range's start
 * @param to          the range's end
 * @param resolution  raw, 1m or 1h
 * @param stepSeconds the width of each timeline point
 * @param totals      the totals over the range (its text is the excerpt)
 * @param timeline    one point per step with calls, in time order (at most 1000)
 */
public record QueryDetail(long instanceId,
                          @JsonSerialize(using = Int64Text.Writer.class) @JsonDeserialize(using = Int64Text.Reader.class) long queryid,
                          Long dbid, String datname, String text, Instant from, Instant to, String resolution, long stepSeconds, QueryStat totals, List<QueryPoint> timeline) {
    public QueryDetail {
        timeline = timeline == null ? List.of() : List.copyOf(timeline);
    }
}

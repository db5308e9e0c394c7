package io.pganalytics.common.query;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.pganalytics.common.json.Int64Text;

/**
 * One statement's totals over a range (pg_stat_statements deltas summed over users and top-level flags).
 *
 * @param queryid          pg_stat_statements' queryid (signed 64-bit; a JSON string, see {@link Int64Text})
 * @param dbid             the database's oid
 * @param datname          the database's name
 * @param text             the normalised text, cut to an excerpt in lists (full in {@link QueryDetail})
 * @param textTruncated    whether {@code text} was cut
 * @param calls            executions
 * @param totalTimeMs      total execution time, ms
 * @param meanTimeMs       totalTimeMs / calls, ms; null without calls
 * @param rows             rows returned or affected
 * @param sharedBlksHit    shared buffer hits
 * @param sharedBlksRead   shared blocks read (from the OS)
 * @param sharedBlksDirtied shared blocks dirtied
 * @param sharedBlksWritten shared blocks written
 * @param tempBlksRead     temporary blocks read
 * @param tempBlksWritten  temporary blocks written
 * @param ioBlocks         the {@code io} order: shared + local + temp blocks read, plus temp blocks written
 * @param blkReadTimeMs    time reading shared blocks, ms (with track_io_timing)
 * @param blkWriteTimeMs   time writing shared blocks, ms
 * @param walBytes         WAL generated, bytes
 */
public record QueryStat(@JsonSerialize(using = Int64Text.Writer.class) @JsonDeserialize(using = Int64Text.Reader.class) long queryid,
                        long dbid, String datname, String text, boolean textTruncated, long calls,
                        double totalTimeMs, Double meanTimeMs, long rows, long sharedBlksHit, long sharedBlksRead,
                        long sharedBlksDirtied, long sharedBlksWritten, long tempBlksRead, long tempBlksWritten,
                        long ioBlocks, double blkReadTimeMs, double blkWriteTimeMs, long walBytes) {
}

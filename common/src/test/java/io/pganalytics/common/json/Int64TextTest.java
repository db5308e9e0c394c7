package io.pganalytics.common.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import io.pganalytics.common.query.QueryDetail;
import io.pganalytics.common.query.QueryStat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Query ids are JSON strings on the wire, so that readers holding numbers as doubles (JavaScript, jq) keep them exact. */
@Tag("fault-and-attack")
class Int64TextTest {
    private static final long BEYOND_DOUBLES = 9_007_199_254_740_993L; // 2^53 + 1
    private final ObjectMapper mapper = JsonMapping.newMapper();

    private static QueryStat stat(long queryid) {
        return new QueryStat(queryid, 5, "app", "SELECT 1", false, 1, 1.0, 1.0, 1, 0, 0, 0, 0, 0, 0, 0, 0.0, 0.0, 0);
    }

    @Test
    void queryIdsAreWrittenAsStringsAndReadBackExactly() throws Exception {
        for (long id : new long[]{BEYOND_DOUBLES, Long.MIN_VALUE, Long.MAX_VALUE, 0}) {
            String json = mapper.writeValueAsString(stat(id));
            assertTrue(json.contains("\"queryid\":\"" + id + "\""), json);
            assertEquals(id, mapper.readValue(json, QueryStat.class).queryid());
        }
        QueryDetail detail = new QueryDetail(1, BEYOND_DOUBLES, null, "app", "SELECT 1", Instant.EPOCH, Instant.EPOCH.plusSeconds(60),
                "raw", 60, stat(BEYOND_DOUBLES), List.of());
        String json = mapper.writeValueAsString(detail);
        assertTrue(json.startsWith("{\"instanceId\":1,\"queryid\":\"" + BEYOND_DOUBLES + "\""), json);
        assertEquals(detail, mapper.readValue(json, QueryDetail.class));
    }

    @Test
    void aQueryIdWrittenAsANumberIsStillRead() throws Exception {
        String json = mapper.writeValueAsString(stat(BEYOND_DOUBLES)).replace("\"" + BEYOND_DOUBLES + "\"", Long.toString(BEYOND_DOUBLES));
        assertEquals(BEYOND_DOUBLES, mapper.readValue(json, QueryStat.class).queryid());
    }

    @Test
    void aQueryIdThatIsNotA64BitWholeNumberIsRefused() throws Exception {
        String json = mapper.writeValueAsString(stat(1));
        assertThrows(InvalidFormatException.class, () -> mapper.readValue(json.replace("\"1\"", "\"12x\""), QueryStat.class));
        assertThrows(InvalidFormatException.class,
                () -> mapper.readValue(json.replace("\"1\"", "\"18446744073709551616\""), QueryStat.class));
    }
}

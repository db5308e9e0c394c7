package io.pganalytics.collector.delta;

import io.pganalytics.common.catalog.Column;
import io.pganalytics.common.catalog.ColumnType;
import io.pganalytics.common.catalog.Family;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TopNTest {
    private static final Family FAMILY = new Family("q", Duration.ofMinutes(1), List.of(
            Column.key("queryid", ColumnType.INT8),
            Column.label("datname", ColumnType.TEXT),
            Column.counter("calls", ColumnType.INT8),
            Column.counter("total_exec_time", ColumnType.FLOAT8)));

    @Test
    void keepsTheLargestByTotalTimeAndSumsTheRestIntoOneOtherRow() {
        List<List<Object>> rows = List.of(
                Arrays.asList(1L, "a", 1L, 10.0),
                Arrays.asList(2L, "a", 2L, 50.0),
                Arrays.asList(3L, "a", 3L, 5.0),
                Arrays.asList(4L, "a", 4L, 30.0));
        List<List<Object>> top = TopN.cut(FAMILY, rows, "total_exec_time", 2);
        assertEquals(3, top.size());
        assertEquals(2L, top.get(0).get(0));
        assertEquals(4L, top.get(1).get(0));
        assertEquals(Arrays.asList(0L, null, 4L, 15.0), top.get(2));
    }

    @Test
    void fewerRowsThanNAreReturnedAsTheyAreWithoutOtherRow() {
        List<List<Object>> rows = List.of(Arrays.asList(1L, "a", 1L, 10.0));
        assertEquals(rows, TopN.cut(FAMILY, rows, "total_exec_time", 100));
    }
}

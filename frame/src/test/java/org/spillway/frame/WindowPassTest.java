package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.asc;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.desc;
import static org.spillway.frame.Functions.lag;
import static org.spillway.frame.Functions.rank;
import static org.spillway.frame.Functions.rowNumber;
import static org.spillway.frame.Functions.sum;

import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.frame.testkit.TestData;

/**
 * The window pass on several workers ({@code exec.window.WindowPass}): the sorted rows cut into segments of whole
 * partitions give, row for row and in the same order, what one worker gives; one partition of all rows runs as one
 * segment.
 */
@SpillwayTest
class WindowPassTest {
    @TempDir
    static Path dir;
    static TestData.Table data;

    @BeforeAll
    static void writeData() {
        data = TestData.groupBy(dir);
    }

    private static final UnaryOperator<DataFrame> QUERY = f -> {
        WindowSpec w = Window.partitionBy("k_int").orderBy(desc("k_dbl"), asc("rn"));
        return f.select(col("rn"), col("k_int"), rowNumber().over(w).as("n"), rank().over(w).as("r"),
                lag("v_int", 1).over(w).as("prev"), sum("v_dbl").over(w.rowsBetween(-6, 0)).as("s7"));
    };

    private static long segments(Spillway sw) {
        return sw.counters().getOrDefault("window.segments", 0L);
    }

    @Test
    void segmentsOfWholePartitionsGiveTheOneWorkerResultRowForRow(SpillwaySessions sessions) {
        for (String memory : List.of("64m", "2m")) {
            Spillway one = sessions.open(memory, 1, 1024);
            Spillway two = sessions.open(memory, 2, 1024);
            List<Row> expected = QUERY.apply(data.read(one)).rows();
            List<Row> actual = QUERY.apply(data.read(two)).rows();
            assertEquals(expected.size(), actual.size());
            assertEquals(expected, actual, "memory " + memory);
            assertEquals(1, segments(one), "one worker, one segment");
            assertEquals(2, segments(two), "two workers cut the sorted chunks once: " + two.counters());
        }
    }

    @Test
    void onePartitionOfAllRowsIsOneSegment(SpillwaySessions sessions) {
        Spillway two = sessions.open("64m", 2, 1024);
        Spillway one = sessions.open("64m", 1, 1024);
        UnaryOperator<DataFrame> q = f -> f.select(col("rn"), rowNumber().over(Window.orderBy(desc("rn"))).as("n"));
        assertEquals(q.apply(data.read(one)).rows(), q.apply(data.read(two)).rows());
        assertEquals(1, segments(two), two.counters().toString());
        assertTrue(two.counters().getOrDefault("window.partitions", 0L) >= 1);
    }
}

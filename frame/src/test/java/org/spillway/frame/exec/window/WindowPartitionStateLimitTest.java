package org.spillway.frame.exec.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.lag;
import static org.spillway.frame.Functions.sum;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.SpillwayException;
import org.spillway.frame.Window;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * The window operator's limit on a partition's heap state, lowered to 1 MB (it is a quarter of the JVM's heap) under a
 * 4 MB budget (the limit is checked once the state passes a quarter of the budget): one partition of 20,000 rows and
 * two functions (about 2 MB of state) fails with an error naming the partition and what to do; the same rows in 100
 * partitions (the state of about one at a time) run.
 */
@SpillwayTest
class WindowPartitionStateLimitTest {
    @Test
    void aPartitionOverTheHeapLimitFailsClearlyAndSmallerOnesRun(SpillwaySessions sessions) {
        Spillway sw = sessions.open("4m", 2, 1024); // the state passes a quarter of the budget: the heap limit is checked
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            rows.add(new Object[] {"one", (long) (i % 100), (long) i, (double) i});
        }
        DataFrame f = sw.createDataFrame(Schema.of(new Field("g", DataType.STRING), new Field("h", DataType.INT64),
                new Field("t", DataType.INT64), new Field("v", DataType.FLOAT64)), rows);
        long saved = WindowOperator.maxStateBytes;
        WindowOperator.maxStateBytes = 1 << 20;
        try {
            DataFrame one = f.withColumn("s", sum("v").over(Window.partitionBy("g").orderBy("t").rowsBetween(-2, 0)))
                    .withColumn("p", lag("v", 1).over(Window.partitionBy("g").orderBy("t")));
            SpillwayException e = assertThrows(SpillwayException.class, one::rows); // not count(): it skips the windows
            assertTrue(e.getMessage().contains("A window partition of more than") && e.getMessage().contains("partition by [g]")
                    && e.getMessage().contains("Partition by more columns"), e.getMessage());
            DataFrame many = f.withColumn("s", sum("v").over(Window.partitionBy("h").orderBy("t").rowsBetween(-2, 0)))
                    .withColumn("p", lag("v", 1).over(Window.partitionBy("h").orderBy("t")));
            List<org.spillway.frame.Row> out = many.filter(col("t").eq(19_999L)).rows();
            // t = 19999 is in partition h = 99 after 9899 and 9799 (rows of h step by 100)
            assertEquals(1, out.size());
            assertEquals(19_999.0 + 19_899.0 + 19_799.0, out.getFirst().get(4));
            assertEquals(19_899.0, out.getFirst().get(5));
        } finally {
            WindowOperator.maxStateBytes = saved;
        }
    }
}

package org.spillway.bench;

import static org.spillway.frame.Functions.asc;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.desc;
import static org.spillway.frame.Functions.lag;
import static org.spillway.frame.Functions.rank;
import static org.spillway.frame.Functions.rowNumber;
import static org.spillway.frame.Functions.sum;

import java.util.List;
import org.spillway.bench.GroupByQuestions.Question;
import org.spillway.frame.Window;
import org.spillway.frame.WindowSpec;

/**
 * Window queries over the db-benchmark groupby table {@code x}, each as Spillway code and as the SQL DuckDB runs,
 * with the same output columns: q8 in its window form, a 7-row rolling sum, a running sum, a rank with ties and a
 * lag. The rolling and running frames order by {@code (id6, v3)} within {@code id1}, which is unique in practice
 * (v3 is a random float), so both engines frame the same rows; the rank's ties are resolved by the rank itself.
 * Results keep one row per input row (but q8), so the checksums cover every window value.
 */
public final class WindowQuestions {
    private WindowQuestions() {
    }

    private static WindowSpec byId1() {
        return Window.partitionBy("id1").orderBy(asc("id6"), asc("v3"));
    }

    /** The window questions, in order (numbered from 1 for {@code --questions}). */
    public static final List<Question> ALL = List.of(
            new Question("w1 q8 window form",
                    x -> x.filter(col("v3").isNotNull())
                            .withColumn("order_v3", rowNumber().over(Window.partitionBy("id6").orderBy(desc("v3"))))
                            .filter(col("order_v3").leq(2)).select(col("id6"), col("v3").as("largest2_v3")),
                    "SELECT id6, largest2_v3 FROM (SELECT id6, v3 AS largest2_v3, row_number() OVER (PARTITION BY id6 "
                            + "ORDER BY v3 DESC) AS order_v3 FROM x WHERE v3 IS NOT NULL) sub_query WHERE order_v3 <= 2"),
            new Question("w2 rolling 7-row sum v1 by id1",
                    x -> x.select(col("id1"), col("id6"), col("v3"),
                            sum("v1").over(byId1().rowsBetween(-6, Window.currentRow)).as("roll7_v1")),
                    "SELECT id1, id6, v3, sum(v1) OVER (PARTITION BY id1 ORDER BY id6, v3 ROWS BETWEEN 6 PRECEDING AND "
                            + "CURRENT ROW) AS roll7_v1 FROM x"),
            new Question("w3 running sum v1 by id1",
                    x -> x.select(col("id1"), col("id6"), col("v3"),
                            sum("v1").over(byId1().rowsBetween(Window.unboundedPreceding, Window.currentRow)).as("run_v1")),
                    "SELECT id1, id6, v3, sum(v1) OVER (PARTITION BY id1 ORDER BY id6, v3 ROWS BETWEEN UNBOUNDED PRECEDING "
                            + "AND CURRENT ROW) AS run_v1 FROM x"),
            new Question("w4 rank v1 by id2",
                    x -> x.select(col("id2"), col("v1"), rank().over(Window.partitionBy("id2").orderBy(asc("v1"))).as("rank_v1")),
                    "SELECT id2, v1, rank() OVER (PARTITION BY id2 ORDER BY v1) AS rank_v1 FROM x"),
            new Question("w5 lag v3 by id1",
                    x -> x.select(col("id1"), col("id6"), col("v3"), lag("v3", 1).over(byId1()).as("prev_v3")),
                    "SELECT id1, id6, v3, lag(v3, 1) OVER (PARTITION BY id1 ORDER BY id6, v3) AS prev_v3 FROM x"));
}

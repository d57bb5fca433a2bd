package org.spillway.bench;

import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.corr;
import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.desc;
import static org.spillway.frame.Functions.max;
import static org.spillway.frame.Functions.mean;
import static org.spillway.frame.Functions.median;
import static org.spillway.frame.Functions.min;
import static org.spillway.frame.Functions.std;
import static org.spillway.frame.Functions.sum;

import java.util.List;
import java.util.function.UnaryOperator;
import org.spillway.frame.DataFrame;

/**
 * The ten db-benchmark groupby questions, each as Spillway code and as the SQL DuckDB runs (on a
 * table {@code x}), with the same output columns.
 */
public final class GroupByQuestions {
    private GroupByQuestions() {
    }

    /** One question. */
    public static final class Question {
        private final String name;
        private final UnaryOperator<DataFrame> spillway;
        private final String sql;

        Question(String name, UnaryOperator<DataFrame> spillway, String sql) {
            this.name = name;
            this.spillway = spillway;
            this.sql = sql;
        }

        /** A short label, e.g. {@code q1 sum v1 by id1}. */
        public String name() {
            return name;
        }

        /** The question in Spillway's API, given the table. */
        public UnaryOperator<DataFrame> spillway() {
            return spillway;
        }

        /** The question in SQL over a table {@code x}. */
        public String sql() {
            return sql;
        }
    }

    /** The ten questions, in db-benchmark order. */
    public static final List<Question> ALL = List.of(
            new Question("q1 sum v1 by id1",
                    x -> x.groupBy("id1").agg(sum("v1").as("v1")),
                    "SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1"),
            new Question("q2 sum v1 by id1:id2",
                    x -> x.groupBy("id1", "id2").agg(sum("v1").as("v1")),
                    "SELECT id1, id2, sum(v1) AS v1 FROM x GROUP BY id1, id2"),
            new Question("q3 sum v1 mean v3 by id3",
                    x -> x.groupBy("id3").agg(sum("v1").as("v1"), mean("v3").as("v3")),
                    "SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3"),
            new Question("q4 mean v1:v3 by id4",
                    x -> x.groupBy("id4").agg(mean("v1").as("v1"), mean("v2").as("v2"), mean("v3").as("v3")),
                    "SELECT id4, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM x GROUP BY id4"),
            new Question("q5 sum v1:v3 by id6",
                    x -> x.groupBy("id6").agg(sum("v1").as("v1"), sum("v2").as("v2"), sum("v3").as("v3")),
                    "SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM x GROUP BY id6"),
            new Question("q6 median v3 sd v3 by id4 id5",
                    x -> x.groupBy("id4", "id5").agg(median("v3").as("median_v3"), std("v3").as("sd_v3")),
                    "SELECT id4, id5, median(v3) AS median_v3, stddev(v3) AS sd_v3 FROM x GROUP BY id4, id5"),
            new Question("q7 max v1 - min v2 by id3",
                    x -> x.groupBy("id3").agg(max("v1").as("mx"), min("v2").as("mn"))
                            .select(col("id3"), col("mx").minus(col("mn")).as("range_v1_v2")),
                    "SELECT id3, max(v1) - min(v2) AS range_v1_v2 FROM x GROUP BY id3"),
            new Question("q8 largest two v3 by id6",
                    x -> x.groupBy("id6").topK(2, desc("v3")).withColumnRenamed("v3", "largest2_v3"),
                    "SELECT id6, largest2_v3 FROM (SELECT id6, v3 AS largest2_v3, row_number() OVER (PARTITION BY id6 "
                            + "ORDER BY v3 DESC) AS order_v3 FROM x WHERE v3 IS NOT NULL) sub_query WHERE order_v3 <= 2"),
            new Question("q9 regression v1 v2 by id2 id4",
                    x -> x.groupBy("id2", "id4").agg(corr("v1", "v2").as("r"))
                            .select(col("id2"), col("id4"), col("r").multiply(col("r")).as("r2")),
                    "SELECT id2, id4, pow(corr(v1, v2), 2) AS r2 FROM x GROUP BY id2, id4"),
            new Question("q10 sum v3 count by id1:id6",
                    x -> x.groupBy("id1", "id2", "id3", "id4", "id5", "id6").agg(sum("v3").as("v3"), count().as("count")),
                    "SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS count FROM x "
                            + "GROUP BY id1, id2, id3, id4, id5, id6"));
}

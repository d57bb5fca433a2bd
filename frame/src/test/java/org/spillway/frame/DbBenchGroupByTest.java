package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spillway.datasets.GroupByData;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * The ten db-benchmark groupby questions on generated {@code G1} tables (with and without nulls,
 * few and many groups) give DuckDB's results, at parallelism 1 and 2 and under a budget far
 * smaller than the hash tables (spilling proven).
 */
@SpillwayTest
class DbBenchGroupByTest {
    @TempDir
    static Path dir;

    record Q(String name, UnaryOperator<DataFrame> api, String sql) {
    }

    static final List<Q> QUESTIONS = List.of(
            new Q("q1", x -> x.groupBy("id1").agg(sum("v1").as("v1")), "SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1"),
            new Q("q2", x -> x.groupBy("id1", "id2").agg(sum("v1").as("v1")),
                    "SELECT id1, id2, sum(v1) AS v1 FROM x GROUP BY id1, id2"),
            new Q("q3", x -> x.groupBy("id3").agg(sum("v1").as("v1"), mean("v3").as("v3")),
                    "SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3"),
            new Q("q4", x -> x.groupBy("id4").agg(mean("v1").as("v1"), mean("v2").as("v2"), mean("v3").as("v3")),
                    "SELECT id4, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM x GROUP BY id4"),
            new Q("q5", x -> x.groupBy("id6").agg(sum("v1").as("v1"), sum("v2").as("v2"), sum("v3").as("v3")),
                    "SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM x GROUP BY id6"),
            new Q("q6", x -> x.groupBy("id4", "id5").agg(median("v3").as("median_v3"), std("v3").as("sd_v3")),
                    "SELECT id4, id5, median(v3) AS median_v3, stddev(v3) AS sd_v3 FROM x GROUP BY id4, id5"),
            new Q("q7", x -> x.groupBy("id3").agg(max("v1").as("mx"), min("v2").as("mn"))
                    .select(col("id3"), col("mx").minus(col("mn")).as("range_v1_v2")),
                    "SELECT id3, max(v1) - min(v2) AS range_v1_v2 FROM x GROUP BY id3"),
            new Q("q8", x -> x.groupBy("id6").topK(2, desc("v3")).withColumnRenamed("v3", "largest2_v3"),
                    "SELECT id6, largest2_v3 FROM (SELECT id6, v3 AS largest2_v3, row_number() OVER (PARTITION BY id6 "
                            + "ORDER BY v3 DESC) AS o FROM x WHERE v3 IS NOT NULL) WHERE o <= 2"),
            new Q("q9", x -> x.groupBy("id2", "id4").agg(corr("v1", "v2").as("r"))
                    .select(col("id2"), col("id4"), col("r").multiply(col("r")).as("r2")),
                    "SELECT id2, id4, pow(corr(v1, v2), 2) AS r2 FROM x GROUP BY id2, id4"),
            new Q("q10", x -> x.groupBy("id1", "id2", "id3", "id4", "id5", "id6").agg(sum("v3").as("v3"), count().as("count")),
                    "SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS count FROM x "
                            + "GROUP BY id1, id2, id3, id4, id5, id6"));

    static Stream<Arguments> tables() {
        List<Arguments> out = new ArrayList<>();
        out.add(Arguments.of(100_000L, 10, 0, 1, "256m"));
        out.add(Arguments.of(100_000L, 100, 5, 2, "256m"));
        out.add(Arguments.of(100_000L, 10_000, 0, 2, "256m"));
        out.add(Arguments.of(100_000L, 100, 5, 2, "2m")); // tables far larger than the budget: spills
        return out.stream();
    }

    @ParameterizedTest(name = "G1 n={0} k={1} nas={2}, parallelism {3}, memory {4}")
    @MethodSource("tables")
    void allTenQuestionsMatchDuckDb(long n, int k, int nas, int parallelism, String memory, SpillwaySessions sessions) throws Exception {
        GroupByData g = GroupByData.of(n, k).nas(nas);
        Path csv = g.writeCsvInto(dir);
        String table = "(SELECT * FROM read_csv('" + csv + "', header = true))";
        Spillway sw = sessions.open(memory, parallelism);
        DataFrame x = sw.readCsv(csv.toString()).collect();
        long spilledAfterLoad = sw.budget().spilledBytes();
        for (Q q : QUESTIONS) {
            List<List<Object>> expected = DuckOracle.sorted(DuckOracle.query(q.sql().replace(" FROM x", " FROM " + table)));
            List<List<Object>> actual = DuckOracle.sorted(DuckOracle.rows(q.api().apply(x).collect()));
            assertEquals(expected.size(), actual.size(), q.name() + " group count");
            for (int i = 0; i < expected.size(); i++) {
                List<Object> e = expected.get(i);
                List<Object> a = actual.get(i);
                for (int j = 0; j < e.size(); j++) {
                    if (!DuckOracle.same(e.get(j), a.get(j))) {
                        fail(q.name() + " row " + i + " column " + j + ": DuckDB " + e + "\nSpillway " + a);
                    }
                }
            }
        }
        if (memory.equals("2m")) {
            assertTrue(sw.budget().spilledBytes() > spilledAfterLoad, "the questions must spill: " + sw.memoryReport());
        }
        sw.close(); // the extension would close it too, but the files are checked after the close
        assertTrue(!OutOfCoreTest.hasFiles(sessions.spillRoot()), "spill files left behind");
    }
}

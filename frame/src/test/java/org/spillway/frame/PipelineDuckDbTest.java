package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.frame.testkit.TestData;

/**
 * DuckDB as the oracle for scan / filter / derived columns / limit over random CSV data with
 * nulls, skewed and unicode strings, under a budget small enough that collecting spills, at
 * parallelism 1 and 2: queries over the spilled, collected frame. The query itself, at every
 * budget, is a case of {@link SpillMatrixTest}, whose declaration this test reuses.
 */
@SpillwayTest(memoryLimit = "1m")
class PipelineDuckDbTest {
    @TempDir
    static Path dir;
    static TestData.Table data;

    @BeforeAll
    static void writeData() {
        data = TestData.pipeline(dir);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void filterDeriveCollectEqualsDuckDb(int parallelism, SpillwaySessions sessions) {
        List<List<Object>> expected = DuckOracle.query(SpillMatrixTest.PIPELINE_SQL.replace("{p}", data.scan()));
        long expectedCount = DuckOracle.scalarLong("SELECT count(*) FROM " + data.scan() + " WHERE a < 0 OR k LIKE 'alpha%'");
        Spillway sw = sessions.open(sessions.defaults().withParallelism(parallelism));
        DataFrame f = data.read(sw);
        DataFrame q = SpillMatrixTest.pipeline(f);
        DataFrame collected = q.collect();
        assertTrue(sw.spilledBytes() > 0, "collect under a 1 MB budget must spill: " + sw.memoryReport());
        assertEquals(expected.size(), collected.count());
        DuckOracle.assertSameOrderedRows(expected, DuckOracle.rows(collected), 0);
        // a second query reads spilled chunks back
        assertEquals(expected.stream().filter(r -> (Long) r.getFirst() >= 100_000).count(),
                collected.filter(col("id").geq(100_000)).count());
        assertEquals(expectedCount, f.filter(col("a").lt(0).or(col("k").startsWith("alpha"))).count());
        DuckOracle.assertSameOrderedRows(expected.subList(0, 25), DuckOracle.rows(q.limit(25)), 0);
    }
}

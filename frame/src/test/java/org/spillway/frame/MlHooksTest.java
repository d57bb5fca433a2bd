package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.asc;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.on;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.frame.udf.VectorFunction;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;

/** What the ML module builds on: column metadata, ordered chunk maps and random splits. */
@SpillwayTest
class MlHooksTest {
    /** Sessions for this test; the extension closes them (and checks for leaks) after it. */
    SpillwaySessions sessions;

    @TempDir
    Path dir;

    Spillway session(int parallelism, String memory) {
        return sessions.open(memory, parallelism, 1000);
    }

    static DataFrame ids(Spillway sw, int n) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new Object[] {i, "k" + (i % 7)});
        }
        return sw.createDataFrame(Schema.of(new Field("id", DataType.INT32), new Field("k", DataType.STRING)), rows);
    }

    /** A function whose output column carries metadata: how the ml module plugs in through the UDF extension point. */
    static final class Tagged implements VectorFunction {
        @Override
        public DataType resultType(Schema schema) {
            return schema.type(schema.indexOf("id"));
        }

        @Override
        public Map<String, String> metadata(Schema schema) {
            return Map.of("ml.kind", "test");
        }

        @Override
        public HeapColumn apply(Chunk chunk) {
            return HeapColumn.of(chunk.column("id"));
        }

        @Override
        public Set<String> inputColumns() {
            return Set.of("id");
        }
    }

    @Test
    void metadataFollowsAColumnThroughSelectFilterSortCollectAndJoin() {
        try (Spillway sw = session(2, "64m")) {
            DataFrame f = ids(sw, 5000).withColumn("t", Functions.udf(new Tagged()));
            Map<String, String> tag = Map.of("ml.kind", "test");
            assertEquals(tag, f.schema().field(2).metadata());
            DataFrame g = f.select("t", "k").filter(col("t").gt(10)).sort(asc("k")).collect();
            assertEquals(tag, g.schema().field(0).metadata());
            assertEquals(tag, g.collect().schema().field(0).metadata());
            DataFrame j = ids(sw, 100).join(f.select("id", "t"), on("id"));
            assertEquals(tag, j.schema().field(j.schema().indexOf("t")).metadata());
            assertEquals(Map.of(), f.withColumn("u", col("t").plus(1)).schema().field(3).metadata(), "a computed column has none");
            // a union of a tagged and an untagged column is allowed; the left's metadata stands
            DataFrame u = f.select("t").union(ids(sw, 10).select(col("id").as("t")));
            assertEquals(5010, u.count());
            assertEquals(tag, u.schema().field(0).metadata());
        }
    }

    @Test
    void mapChunksOrderedDeliversInRowOrderAtAnyParallelism() {
        List<List<Integer>> seen = new ArrayList<>();
        for (int p : new int[] {1, 2}) {
            try (Spillway sw = session(p, "1m")) { // 1 MB: the chunks spill and are read back
                DataFrame f = ids(sw, 50_000).collect();
                List<Integer> firsts = new ArrayList<>();
                f.mapChunksOrdered(c -> (Integer) c.column(0).getObject(0), firsts::add);
                seen.add(firsts);
                for (int i = 1; i < firsts.size(); i++) {
                    assertTrue(firsts.get(i) > firsts.get(i - 1), "in row order: " + firsts);
                }
                List<Integer> shuffled = new ArrayList<>();
                int[] order = {3, 0, 2};
                f.mapChunksOrdered(order, c -> (Integer) c.column(0).getObject(0), shuffled::add);
                assertEquals(List.of(3000, 0, 2000), shuffled);
                assertThrows(SpillwayException.class, () -> f.mapChunksOrdered(new int[] {1, 1}, c -> 0, x -> { }));
                assertThrows(SpillwayException.class, () -> f.filter(col("id").gt(3)).chunkCount());
                // a lazy frame works too: results come in the order of its rows
                List<Integer> lazy = new ArrayList<>();
                f.filter(col("id").geq(25_000)).mapChunksOrdered(c -> (Integer) c.column(0).getObject(0), lazy::add);
                assertEquals(25_000, lazy.getFirst());
            }
        }
        assertEquals(seen.get(0), seen.get(1));
    }

    @Test
    void randomSplitDealsEveryRowOnceAndRepeats() {
        List<List<Object>> first = null;
        for (int p : new int[] {1, 2}) {
            try (Spillway sw = session(p, "64m")) {
                DataFrame f = ids(sw, 20_000);
                DataFrame[] parts = f.randomSplit(new double[] {0.5, 0.3, 0.2}, 9);
                Set<Object> all = new HashSet<>();
                List<List<Object>> ids = new ArrayList<>();
                long total = 0;
                for (DataFrame part : parts) {
                    List<Object> col = part.column("id");
                    ids.add(col);
                    total += col.size();
                    all.addAll(col);
                    assertTrue(part.isCollected());
                }
                assertEquals(20_000, total);
                assertEquals(20_000, all.size(), "no row in two parts");
                assertEquals(10_000, ids.get(0).size(), 300);
                assertEquals(6_000, ids.get(1).size(), 300);
                if (first == null) {
                    first = ids;
                } else {
                    assertEquals(first, ids, "the same split at parallelism 1 and 2");
                }
                Split s = f.randomSplit(0.8, 9);
                assertEquals(20_000, s.train().count() + s.test().count());
                assertThrows(SpillwayException.class, () -> f.randomSplit(new double[] {-1, 2}, 1));
                assertThrows(SpillwayException.class, () -> f.randomSplit(new double[] {0, 0}, 1));
                assertEquals(0, f.randomSplit(new double[] {1, 0}, 1)[1].count());
            }
        }
    }
}

package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import org.apache.parquet.format.ColumnMetaData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Expr;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * Dictionary pruning on files Spillway writes (dictionary pages and encoding_stats, no bloom filters
 * by default): an equality whose literal is in no entry of a fully dictionary-encoded column chunk
 * skips the row group; never a row group holding the value.
 */
@SpillwayTest(chunkRows = 1000)
class ParquetDictionaryPruneTest {
    static final int ROWS = 12_000;
    static final int GROUP = 3_000;
    @TempDir
    Path dir;
    Spillway sw;

    private Path write(ParquetWriteOptions options) {
        Path f = dir.resolve("d-" + System.nanoTime() + ".parquet");
        ParquetWriteTestSupport.frame(sw, ROWS, 7).writeParquet(f, options.withRowGroupRows(GROUP));
        return f;
    }

    private long count(DataFrame df, Expr filter, Map<String, Long> skipped) {
        Map<String, Long> before = sw.counters();
        long n = df.filter(filter).count();
        Map<String, Long> after = sw.counters();
        for (String k : List.of("parquet.rowGroupsSkipped", "parquet.rowGroupsSkippedByBloom", "parquet.rowGroupsSkippedByDictionary")) {
            skipped.put(k, after.getOrDefault(k, 0L) - before.getOrDefault(k, 0L));
        }
        return n;
    }

    @Test
    void absentValuesSkipRowGroupsAndAnswersNeverChange() {
        List<List<Object>> rows = ParquetWriteTestSupport.rows(ROWS, 7);
        Path f = write(ParquetWriteOptions.defaults());
        ParquetSource src = ParquetSource.open(f.toString());
        assertTrue(src.dictionaryColumns().containsAll(List.of("i", "cat")) && src.bloomFilterColumns().isEmpty(),
                src.dictionaryColumns().toString());
        DataFrame df = sw.readParquet(f.toString());
        Map<String, Long> skipped = new java.util.TreeMap<>();
        assertEquals(0, count(df, col("i").eq(600), skipped));
        assertEquals(Map.of("parquet.rowGroupsSkipped", 0L, "parquet.rowGroupsSkippedByBloom", 0L,
                "parquet.rowGroupsSkippedByDictionary", 4L), skipped, "i spans Integer.MIN_VALUE..MAX_VALUE: statistics cannot tell");
        String plan = df.filter(col("i").eq(600)).explainString();
        assertTrue(plan.contains("dictionaries of [i]") && !plan.contains("bloom"), plan);
        assertEquals(0, count(df, col("cat").eq("nope").or(col("cat").eq("also nope")), skipped));
        assertEquals(4, skipped.get("parquet.rowGroupsSkippedByDictionary"));
        int i = ParquetWriteTestSupport.SCHEMA.indexOf("i");
        int cat = ParquetWriteTestSupport.SCHEMA.indexOf("cat");
        List<Set<Object>> groups = new java.util.ArrayList<>();
        for (int r = 0; r < ROWS; r++) {
            if (r % GROUP == 0) {
                groups.add(new HashSet<>());
            }
            groups.getLast().add(rows.get(r).get(i));
        }
        Random rnd = new Random(5);
        long dictionarySkips = 0;
        long absentPairs = 0;
        for (int n = 0; n < 60; n++) {
            Object v = n % 3 == 0 ? rows.get(rnd.nextInt(ROWS)).get(i) : (Object) (rnd.nextInt(1400) - 700);
            if (v == null) {
                continue;
            }
            assertEquals(rows.stream().filter(r -> v.equals(r.get(i))).count(), count(df, col("i").eq(v), skipped), "i = " + v);
            dictionarySkips += skipped.get("parquet.rowGroupsSkippedByDictionary");
            absentPairs += groups.stream().filter(g -> !g.contains(v)).count();
            Object w = rows.get(rnd.nextInt(ROWS)).get(cat);
            if (w != null) {
                assertEquals(rows.stream().filter(r -> w.equals(r.get(cat))).count(), count(df, col("cat").eq(w), skipped), "cat = " + w);
                assertEquals(0, skipped.get("parquet.rowGroupsSkippedByDictionary"), "every group holds every word");
            }
        }
        // the dictionaries are exact: every row group without the value is skipped (statistics cannot tell: every group holds
        // Integer.MIN_VALUE and MAX_VALUE)
        assertEquals(absentPairs, dictionarySkips);
        assertTrue(absentPairs > 40, "absent (value, row group) pairs: " + absentPairs);
    }

    @Test
    void theDictionaryHoldsEveryDistinctValueOfTheChunk() throws Exception {
        List<List<Object>> rows = ParquetWriteTestSupport.rows(ROWS, 7);
        Path f = write(ParquetWriteOptions.defaults());
        ParquetSource src = ParquetSource.open(f.toString());
        ParquetFile pf = src.files.get(0);
        int i = ParquetWriteTestSupport.SCHEMA.indexOf("i");
        ColumnMetaData md = pf.meta.getRow_groups().get(1).getColumns().get(i).getMeta_data();
        assertTrue(ParquetDictionaries.fullyDictionaryEncoded(md));
        Set<Object> distinct = new HashSet<>();
        for (int r = GROUP; r < 2 * GROUP; r++) {
            if (rows.get(r).get(i) != null) {
                distinct.add(rows.get(r).get(i));
            }
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ParquetDictionaries.Read d = ParquetDictionaries.read(ch, ch.size(), md, pf.columns.get(i).mapping().physical(), 0);
            assertNotNull(d);
            assertEquals(distinct.size(), d.hashes().size());
            for (Object v : distinct) {
                assertFalse(ParquetDictionaries.absent(d, Objects.requireNonNull(ParquetBloomFilters.hashes(v, pf.columns.get(i).mapping()))));
            }
        }
    }

    @Test
    void plainChunksAreNotPrunedByDictionary() {
        Path f = write(ParquetWriteOptions.defaults().withDictionary(false));
        assertTrue(ParquetSource.open(f.toString()).dictionaryColumns().isEmpty());
        Map<String, Long> skipped = new java.util.TreeMap<>();
        assertEquals(0, count(sw.readParquet(f.toString()), col("i").eq(600), skipped));
        assertEquals(0, skipped.get("parquet.rowGroupsSkippedByDictionary"));
    }
}

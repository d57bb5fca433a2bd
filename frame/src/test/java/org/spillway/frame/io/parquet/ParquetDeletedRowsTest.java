package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.vector.ColumnVector;

/**
 * Rows a table format deleted are dropped by the reader from its decode buffers ({@link ColumnBuffer#keep}): every
 * type, with and without nulls, strings as dictionary codes and as bytes, chunks whose rows are all deleted, the row
 * index column, and {@link DeletedRows#keepRoaring} across a bitmap's high words.
 */
class ParquetDeletedRowsTest {
    @TempDir
    Path dir;

    /** Deletes the rows {@code deleted} accepts (plain loop, the reference). */
    private record Predicate(LongPredicate deleted, long cardinality) implements DeletedRows {
        @Override
        public int keep(long start, int n, int[] keep) {
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (!deleted.test(start + i)) {
                    keep[k++] = i;
                }
            }
            return k;
        }
    }

    @Test
    void theReaderLeavesOutDeletedRowsOfEveryType() throws Exception {
        Path file = dir.resolve("t.parquet");
        // 5,000 rows in row groups of 1,000: ints, longs, doubles, bools, dictionary and distinct strings, all with nulls
        ParquetTestSupport.exec("COPY (SELECT i AS id, CASE WHEN i % 5 = 0 THEN NULL ELSE (i * 7)::INTEGER END AS a,"
                + " CASE WHEN i % 3 = 0 THEN NULL ELSE i * 1000000007 END AS b, CASE WHEN i % 11 = 0 THEN NULL ELSE i / 4.0 END AS c,"
                + " CASE WHEN i % 13 = 0 THEN NULL ELSE i % 2 = 0 END AS d, CASE WHEN i % 17 = 0 THEN NULL ELSE 'k' || (i % 9) END AS e,"
                + " CASE WHEN i % 19 = 0 THEN NULL ELSE 'distinct value ' || i END AS f FROM range(5000) t(i))"
                + " TO " + ParquetTestSupport.sqlPath(file) + " (FORMAT parquet, ROW_GROUP_SIZE 1000)");
        // rows 1,200-1,499 (three whole chunks of 100) and every row whose id is 0 mod 3 or 4 mod 7 are deleted
        LongPredicate del = r -> r >= 1_200 && r < 1_500 || r % 3 == 0 || r % 7 == 4;
        long card = java.util.stream.LongStream.range(0, 5000).filter(del).count();
        ParquetSource plain = ParquetSource.open(file.toString());
        ParquetSource src = ParquetSource.ofFiles("t", List.of(file), plain.schema(), new Schema(List.of()), List.<Object[]>of(new Object[0]),
                List.of(new Predicate(del, card)));
        List<List<Object>> all = ParquetTestSupport.read(plain, 100);
        List<List<Object>> expected = new ArrayList<>();
        for (List<Object> row : all) {
            if (!del.test((Long) row.get(0))) {
                expected.add(row);
            }
        }
        for (int chunkRows : new int[] {100, 64, 1000}) {
            Map<String, Long> counts = new TreeMap<>();
            assertEquals(expected, ParquetTestSupport.read(src, ParquetTestSupport.all(src.schema()), chunkRows, counts), "chunk rows " + chunkRows);
            assertEquals(card, counts.get("parquet.rowsDeleted"));
            // one column at a time (a buffer's compaction must not depend on the others), and none (count)
            for (int c = 1; c < src.schema().size(); c++) {
                List<List<Object>> one = ParquetTestSupport.read(src, new int[] {c}, chunkRows, new TreeMap<>());
                List<List<Object>> want = new ArrayList<>();
                for (List<Object> row : expected) {
                    want.add(java.util.Arrays.asList(row.get(c)));
                }
                assertEquals(want, one, "column " + c + ", chunk rows " + chunkRows);
            }
            assertEquals(expected.size(), ParquetTestSupport.read(src, new int[0], chunkRows, new TreeMap<>()).size());
        }
        // the row index column holds the rows' positions in the file, after the deletes
        ParquetSource withIndex = src.withRowIndex();
        int rowIndex = withIndex.schema().indexOf(ParquetSource.ROW_INDEX);
        for (List<Object> row : ParquetTestSupport.read(withIndex, new int[] {0, rowIndex}, 100, new TreeMap<>())) {
            assertEquals(row.get(0), row.get(1));
        }
    }

    @Test
    void keepCompactsEveryBufferAndLeavesNoStaleValidityBits() {
        try (Arena arena = Arena.ofConfined()) {
            int[] keep = {1, 2, 5, 6, 9};
            for (boolean withNulls : new boolean[] {true, false}) {
                ColumnBuffer ints = new ColumnBuffer(DataType.INT32, 16);
                ColumnBuffer strs = new ColumnBuffer(DataType.STRING, 16);
                List<Object> all = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    boolean isNull = withNulls && i % 4 == 1;
                    all.add(isNull ? null : i * 10);
                    if (isNull) {
                        ints.markNull(ints.size);
                        strs.markNull(strs.size);
                        strs.offsets[strs.size + 1] = strs.byteCount;
                    } else {
                        ints.ints[ints.size] = i * 10;
                        ints.setValid(ints.size);
                        byte[] b = ("s" + i * 10).getBytes(StandardCharsets.UTF_8);
                        strs.appendBytes(b, 0, b.length);
                        strs.setValid(strs.size);
                    }
                    ints.size++;
                    strs.size++;
                }
                ints.keep(keep, keep.length);
                strs.keep(keep, keep.length);
                ColumnVector iv = ints.build(arena);
                ColumnVector sv = strs.build(arena);
                for (int j = 0; j < keep.length; j++) {
                    Object want = all.get(keep[j]);
                    assertEquals(want, iv.getObject(j));
                    assertEquals(want == null ? null : "s" + want, sv.getObject(j));
                }
                // the nulls went with the dropped rows: the next chunk must not see their bits
                ints.keep(new int[] {1, 3}, 2); // rows 2 and 6 of the original: no null left
                assertEquals(0, ints.nulls);
                assertEquals(List.of(20, 60), List.of(ints.ints[0], ints.ints[1]));
                ints.reset();
                ints.ints[0] = 7;
                ints.size = 1;
                ints.markNull(1);
                ints.size = 2;
                ColumnVector after = ints.build(arena);
                assertEquals(7, after.getObject(0));
                assertNull(after.getObject(1));
            }
        }
    }

    @Test
    void keepRoaringAcrossHighWords() {
        RoaringBitmap low = RoaringBitmap.bitmapOf(0, 3, 4, -2, -1); // -2, -1: the last two positions of high word 0
        RoaringBitmap high = RoaringBitmap.bitmapOf(1, 2);
        BitSet ref = new BitSet();
        long base = (1L << 32) - 5; // five rows of high word 0, then high word 1
        int[] keep = new int[10];
        int k = DeletedRows.keepRoaring(h -> h == 0 ? low : h == 1 ? high : null, base, 10, keep);
        for (int i = 0; i < 10; i++) {
            long row = base + i;
            RoaringBitmap m = (row >>> 32) == 0 ? low : high;
            if (!m.contains((int) row)) {
                ref.set(i);
            }
        }
        assertEquals(ref.stream().boxed().toList(), java.util.Arrays.stream(keep, 0, k).boxed().toList());
        assertEquals(java.util.List.of(0, 1, 2, 5, 8, 9), java.util.Arrays.stream(keep, 0, k).boxed().toList());
    }
}

package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.spillway.frame.Expr;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.memory.MemoryBudget;

/**
 * The page index: rows of pages whose bounds exclude the filter are left out, never a row the
 * filter keeps, and the columns of every chunk stay aligned.
 */
class ParquetPageIndexTest {
    private static List<List<Object>> read(ParquetSource src, Expr filter, int chunkRows, Map<String, Long> counts) {
        List<List<Object>> rows = new ArrayList<>();
        try (MemoryBudget budget = new MemoryBudget(1L << 30);
             ParquetRowGroupReader r = src.newReader(ParquetTestSupport.all(src.schema()), chunkRows, budget)) {
            for (RowGroupRef rg : src.rowGroups()) {
                r.read(rg, filter, (k, v) -> counts.merge(k, v, Long::sum), chunk -> {
                    try (Chunk c = chunk) {
                        for (int i = 0; i < c.rows(); i++) {
                            List<Object> row = new ArrayList<>();
                            for (int j = 0; j < c.columnCount(); j++) {
                                row.add(DuckOracle.normalise(c.column(j).getObject(i)));
                            }
                            rows.add(row);
                        }
                    }
                });
            }
        }
        return rows;
    }

    private static void check(String file, Expr filter, String where, Predicate<List<Object>> keep, boolean mustSkip) {
        Path p = ParquetTestSupport.resource(file);
        ParquetSource src = ParquetSource.open(p.toString());
        for (int chunkRows : new int[] {17, 4096}) {
            Map<String, Long> counts = new TreeMap<>();
            List<List<Object>> ours = read(src, filter, chunkRows, counts);
            List<List<Object>> filtered = ours.stream().filter(keep).toList();
            List<List<Object>> duck = ParquetTestSupport.duck("SELECT " + ParquetTestSupport.selectList(src.schema())
                    + " FROM read_parquet(" + ParquetTestSupport.sqlPath(p) + ") WHERE " + where);
            DuckOracle.assertSameOrderedRows(duck, filtered, 0);
            if (mustSkip) {
                assertTrue(counts.getOrDefault("parquet.pagesSkipped", 0L) > 0, counts.toString());
                assertTrue(ours.size() < src.rows(), ours.size() + " rows of " + src.rows());
            }
        }
    }

    @Test
    void nullPagesAreSkippedForIsNotNull() {
        check("int32_with_null_pages.parquet", col("int32_field").isNotNull(), "int32_field IS NOT NULL", r -> r.get(0) != null, true);
    }

    @Test
    void comparisonsKeepEveryMatchingRow() {
        check("int32_with_null_pages.parquet", col("int32_field").gt(1_000_000), "int32_field > 1000000",
                r -> r.get(0) != null && (Long) r.get(0) > 1_000_000, false);
        check("datapage_v1-snappy-compressed-checksum.parquet", col("a").lt(-1_000_000_000), "a < -1000000000",
                r -> r.get(0) != null && (Long) r.get(0) < -1_000_000_000, false);
        check("datapage_v1-snappy-compressed-checksum.parquet", col("a").gt(0).and(col("b").lt(0)), "a > 0 AND b < 0",
                r -> r.get(0) != null && (Long) r.get(0) > 0 && r.get(1) != null && (Long) r.get(1) < 0, false);
    }

    /**
     * Writes a one-row-group file by hand: column {@code id} (required int64 = row number, pages of
     * {@code idPage} rows) and column {@code v} (optional int32 = row number * 3, null every 10th
     * row, pages of {@code vPage} rows), PLAIN and uncompressed, with a column index and offset
     * index for both (the writers at hand, DuckDB's, write neither multi-page chunks nor page indexes).
     */
    static Path writeIndexed(Path file, int rows, int idPage, int vPage) throws Exception {
        return writeIndexed(file, rows, idPage, vPage, true);
    }

    /** As {@link #writeIndexed(Path, int, int, int)}; without {@code withIndex}, no column index nor offset index. */
    static Path writeIndexed(Path file, int rows, int idPage, int vPage, boolean withIndex) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write("PAR1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        List<org.apache.parquet.format.ColumnChunk> chunks = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            int pageRows = c == 0 ? idPage : vPage;
            long start = out.size();
            List<org.apache.parquet.format.PageLocation> locs = new ArrayList<>();
            List<java.nio.ByteBuffer> mins = new ArrayList<>();
            List<java.nio.ByteBuffer> maxs = new ArrayList<>();
            List<Boolean> nullPages = new ArrayList<>();
            List<Long> nullCounts = new ArrayList<>();
            for (int first = 0; first < rows; first += pageRows) {
                int n = Math.min(pageRows, rows - first);
                java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
                java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(16 * n + 64).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                int nulls = 0;
                if (c == 0) {
                    for (int r = first; r < first + n; r++) {
                        bb.putLong(r);
                    }
                } else {
                    // definition levels: RLE/bit-packed hybrid, width 1, as bit-packed groups of 8
                    int groups = (n + 7) / 8;
                    byte[] bits = new byte[groups];
                    for (int r = first; r < first + n; r++) {
                        if (r % 10 != 0) {
                            bits[(r - first) / 8] |= (byte) (1 << ((r - first) % 8));
                        } else {
                            nulls++;
                        }
                    }
                    bb.putInt(1 + bits.length);
                    bb.put((byte) ((groups << 1) | 1));
                    bb.put(bits);
                    for (int r = first; r < first + n; r++) {
                        if (r % 10 != 0) {
                            bb.putInt(r * 3);
                        }
                    }
                }
                data.write(bb.array(), 0, bb.position());
                org.apache.parquet.format.PageHeader h = new org.apache.parquet.format.PageHeader(
                        org.apache.parquet.format.PageType.DATA_PAGE, data.size(), data.size());
                h.setData_page_header(new org.apache.parquet.format.DataPageHeader(n, org.apache.parquet.format.Encoding.PLAIN,
                        org.apache.parquet.format.Encoding.RLE, org.apache.parquet.format.Encoding.RLE));
                long at = out.size();
                org.apache.parquet.format.Util.writePageHeader(h, out);
                out.write(data.toByteArray());
                locs.add(new org.apache.parquet.format.PageLocation(at, (int) (out.size() - at), first));
                int lo = first;
                int hi = first + n - 1;
                if (c == 1) {
                    lo = lo % 10 == 0 ? lo + 1 : lo;
                    hi = hi % 10 == 0 ? hi - 1 : hi;
                    mins.add(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, lo * 3));
                    maxs.add(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, hi * 3));
                } else {
                    mins.add(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, lo));
                    maxs.add(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, hi));
                }
                nullPages.add(false);
                nullCounts.add((long) nulls);
            }
            org.apache.parquet.format.ColumnMetaData md = new org.apache.parquet.format.ColumnMetaData(
                    c == 0 ? org.apache.parquet.format.Type.INT64 : org.apache.parquet.format.Type.INT32,
                    List.of(org.apache.parquet.format.Encoding.PLAIN, org.apache.parquet.format.Encoding.RLE), List.of(c == 0 ? "id" : "v"),
                    org.apache.parquet.format.CompressionCodec.UNCOMPRESSED, rows, out.size() - start, out.size() - start, start);
            org.apache.parquet.format.ColumnChunk cc = new org.apache.parquet.format.ColumnChunk(start);
            cc.setMeta_data(md);
            chunks.add(cc);
            org.apache.parquet.format.ColumnIndex ci = new org.apache.parquet.format.ColumnIndex(nullPages, mins, maxs,
                    org.apache.parquet.format.BoundaryOrder.ASCENDING);
            ci.setNull_counts(nullCounts);
            cc.setColumn_index_offset(-1);
            cc.setOffset_index_offset(-1);
            cc.setColumn_index_length(0);
            cc.setOffset_index_length(0);
            // indexes written after all column chunks: remember them in the chunk for now
            indexes.put(cc, new Object[] {ci, new org.apache.parquet.format.OffsetIndex(locs)});
        }
        for (org.apache.parquet.format.ColumnChunk cc : chunks) {
            Object[] ix = indexes.remove(cc);
            if (!withIndex) {
                cc.unsetColumn_index_offset();
                cc.unsetOffset_index_offset();
                cc.unsetColumn_index_length();
                cc.unsetOffset_index_length();
                continue;
            }
            long at = out.size();
            org.apache.parquet.format.Util.writeColumnIndex((org.apache.parquet.format.ColumnIndex) ix[0], out);
            cc.setColumn_index_offset(at);
            cc.setColumn_index_length((int) (out.size() - at));
            at = out.size();
            org.apache.parquet.format.Util.writeOffsetIndex((org.apache.parquet.format.OffsetIndex) ix[1], out);
            cc.setOffset_index_offset(at);
            cc.setOffset_index_length((int) (out.size() - at));
        }
        org.apache.parquet.format.SchemaElement root = new org.apache.parquet.format.SchemaElement("schema");
        root.setNum_children(2);
        org.apache.parquet.format.SchemaElement id = new org.apache.parquet.format.SchemaElement("id");
        id.setType(org.apache.parquet.format.Type.INT64);
        id.setRepetition_type(org.apache.parquet.format.FieldRepetitionType.REQUIRED);
        org.apache.parquet.format.SchemaElement v = new org.apache.parquet.format.SchemaElement("v");
        v.setType(org.apache.parquet.format.Type.INT32);
        v.setRepetition_type(org.apache.parquet.format.FieldRepetitionType.OPTIONAL);
        long total = 0;
        for (org.apache.parquet.format.ColumnChunk cc : chunks) {
            total += cc.getMeta_data().getTotal_compressed_size();
        }
        org.apache.parquet.format.RowGroup rg = new org.apache.parquet.format.RowGroup(chunks, total, rows);
        org.apache.parquet.format.FileMetaData meta = new org.apache.parquet.format.FileMetaData(1, List.of(root, id, v), rows, List.of(rg));
        java.io.ByteArrayOutputStream footer = new java.io.ByteArrayOutputStream();
        org.apache.parquet.format.Util.writeFileMetaData(meta, footer);
        out.write(footer.toByteArray());
        out.write(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(footer.size()).array());
        out.write("PAR1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return java.nio.file.Files.write(file, out.toByteArray());
    }

    private static final Map<Object, Object[]> indexes = new java.util.IdentityHashMap<>();

    @org.junit.jupiter.api.io.TempDir
    Path dir;

    @Test
    void comparisonsSkipPagesAndKeepColumnsAligned() throws Exception {
        Path p = writeIndexed(dir.resolve("indexed.parquet"), 1000, 100, 70);
        ParquetSource src = ParquetSource.open(p.toString());
        ParquetTestSupport.assertSameAsDuckDb(p, 33);
        Map<String, Long> counts = new TreeMap<>();
        List<List<Object>> rows = read(src, col("id").geq(450).and(col("id").lt(520)), 64, counts);
        // pages of id: [400, 500) and [500, 600) kept; v's pages cut them further but keep rows 400..599
        assertEquals(200, rows.size());
        for (List<Object> r : rows) {
            long id = (Long) r.get(0);
            assertTrue(id >= 400 && id < 600, r.toString());
            assertEquals(id % 10 == 0 ? null : id * 3, r.get(1), r.toString());
        }
        assertTrue(counts.get("parquet.pagesSkipped") >= 8 + 10, counts.toString());
        // a filter on v: pages of 70 rows
        counts.clear();
        rows = read(src, col("v").gt(2900), 1000, counts);
        assertEquals(java.util.Arrays.asList(910L, null), rows.getFirst()); // v's page [910, 980) holds 2901
        assertEquals(1000 - 910, rows.size());
        assertTrue(counts.get("parquet.pagesSkipped") > 0, counts.toString());
        // nothing matches: no rows at all
        assertEquals(0, read(src, col("id").gt(5000), 100, new TreeMap<>()).size());
        check(p, col("id").lt(130).or(col("v").geq(2000)), "id < 130 OR v >= 2000",
                r -> (Long) r.get(0) < 130 || (r.get(1) != null && (Long) r.get(1) >= 2000));
    }

    private static void check(Path p, Expr filter, String where, Predicate<List<Object>> keep) {
        ParquetSource src = ParquetSource.open(p.toString());
        List<List<Object>> filtered = read(src, filter, 50, new TreeMap<>()).stream().filter(keep).toList();
        DuckOracle.assertSameOrderedRows(ParquetTestSupport.duck("SELECT id, v FROM read_parquet(" + ParquetTestSupport.sqlPath(p)
                + ") WHERE " + where), filtered, 0);
    }

    @Test
    void noIndexReadsEverything() {
        Map<String, Long> counts = new TreeMap<>();
        ParquetSource src = ParquetSource.open(ParquetTestSupport.resource("alltypes_plain.parquet").toString());
        assertEquals(8, read(src, col("id").gt(100), 3, counts).size());
        assertEquals(null, counts.get("parquet.pagesSkipped"));
    }
}

package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.io.parquet.ParquetWriteTestSupport.frame;
import static org.spillway.frame.io.parquet.ParquetWriteTestSupport.listing;
import static org.spillway.frame.io.parquet.ParquetWriteTestSupport.sql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Functions;
import org.spillway.frame.Spillway;
import org.spillway.frame.SpillwayException;
import org.spillway.frame.io.CsvOptions;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.frame.udf.VectorFunction;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.IntVector;

@SpillwayTest(chunkRows = 500)
class ParquetWriteAtomicityTest {
    @TempDir
    Path dir;

    Spillway sw;

    /** Passes {@code id} through, but throws on a chunk holding an id of at least {@code from}. */
    record Bomb(int from) implements VectorFunction {
        @Override
        public DataType resultType(Schema input) {
            return DataType.INT32;
        }

        @Override
        public Set<String> inputColumns() {
            return Set.of("id");
        }

        @Override
        public HeapColumn apply(Chunk chunk) {
            IntVector v = (IntVector) chunk.column("id");
            for (int i = 0; i < v.size(); i++) {
                if (v.get(i) >= from) {
                    throw new IllegalStateException("boom at id " + v.get(i));
                }
            }
            return HeapColumn.of(v);
        }
    }

    private DataFrame failing(int rows, int from) {
        return frame(sw, rows, 21).withColumn("x", Functions.udf(new Bomb(from)));
    }

    private static Map<String, byte[]> snapshot(Path root) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted().toList()) {
                out.put(root.relativize(p).toString(), Files.isRegularFile(p) ? Files.readAllBytes(p) : new byte[0]);
            }
        }
        return out;
    }

    private static void assertSameTree(Map<String, byte[]> want, Map<String, byte[]> got) {
        assertEquals(want.keySet(), got.keySet());
        for (String k : want.keySet()) {
            assertArrayEquals(want.get(k), got.get(k), k);
        }
    }

    @Test
    void aFailedFileWriteLeavesThePreviousFileByteIdentical() throws IOException {
        Path f = dir.resolve("t.parquet");
        frame(sw, 1000, 1).writeParquet(f, ParquetWriteOptions.defaults());
        Map<String, byte[]> before = snapshot(dir);
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> failing(20_000, 15_000).writeParquet(f, ParquetWriteOptions.defaults().withRowGroupRows(1000)));
        assertTrue(String.valueOf(e.getMessage()).contains("boom") || String.valueOf(e.getCause()).contains("boom"), e.toString());
        assertSameTree(before, snapshot(dir));
        // and a new file where there was none: nothing at all
        Path g = dir.resolve("new.parquet");
        assertThrows(RuntimeException.class, () -> failing(20_000, 15_000).writeParquet(g, ParquetWriteOptions.defaults()));
        assertSameTree(before, snapshot(dir));
    }

    @Test
    void aFailedDirectoryWriteLeavesThePreviousDirectoryByteIdentical() throws IOException {
        Path out = dir.resolve("ds");
        frame(sw, 3000, 2).writeParquet(out, ParquetWriteOptions.defaults().withRowGroupRows(500).withPartitionBy("b"));
        Map<String, byte[]> before = snapshot(dir);
        assertThrows(RuntimeException.class, () -> failing(20_000, 12_000).writeParquet(out,
                ParquetWriteOptions.defaults().withRowGroupRows(700).withPartitionBy("b")));
        assertSameTree(before, snapshot(dir));
        assertThrows(RuntimeException.class, () -> failing(20_000, 12_000).writeParquet(out,
                ParquetWriteOptions.defaults().withRowGroupRows(700)));
        assertSameTree(before, snapshot(dir));
    }

    @Test
    void aBadCsvRowFailsTheWriteAndKeepsThePreviousFile() throws IOException {
        Path csv = dir.resolve("in.csv");
        StringBuilder sb = new StringBuilder("a,b\n");
        for (int i = 0; i < 50_000; i++) {
            sb.append(i).append(",x").append(i % 7).append('\n');
        }
        sb.append("oops,y\n");
        Files.writeString(csv, sb);
        Path out = dir.resolve("csv.parquet");
        frame(sw, 10, 3).writeParquet(out, ParquetWriteOptions.defaults());
        byte[] before = Files.readAllBytes(out);
        List<String> listing = listing(dir);
        DataFrame df = sw.readCsv(csv, CsvOptions.defaults().schema(Schema.of(new org.spillway.spill.Field("a", DataType.INT32),
                new org.spillway.spill.Field("b", DataType.STRING))));
        assertThrows(RuntimeException.class, () -> df.writeParquet(out, ParquetWriteOptions.defaults().withRowGroupRows(5000)));
        assertArrayEquals(before, Files.readAllBytes(out));
        assertEquals(listing, listing(dir));
    }

    @Test
    void writingReplacesAnExistingFileOrDataset() throws IOException {
        Path f = dir.resolve("o.parquet");
        frame(sw, 100, 1).writeParquet(f, ParquetWriteOptions.defaults());
        frame(sw, 250, 2).writeParquet(f, ParquetWriteOptions.defaults());
        assertEquals(250L, DuckOracle.scalarLong("SELECT count(*) FROM '" + sql(f) + "'"));
        Path d = dir.resolve("od");
        frame(sw, 3000, 1).writeParquet(d, ParquetWriteOptions.defaults().withRowGroupRows(200).withPartitionBy("cat"));
        frame(sw, 1000, 2).writeParquet(d, ParquetWriteOptions.defaults().withRowGroupRows(300));
        assertEquals(1000L, DuckOracle.scalarLong("SELECT count(*) FROM read_parquet('" + sql(d) + "/**/*.parquet')"));
        assertFalse(listing(d).stream().anyMatch(s -> s.contains("=")), "the old partitions are gone");
        assertEquals(List.of("", "o.parquet", "od"), listing(dir).stream().filter(s -> !s.contains("/")).toList());
    }

    @Test
    void refusesToWipeADirectoryThatIsNotADataset() throws IOException {
        Path d = dir.resolve("mine");
        Files.createDirectories(d.resolve("sub"));
        Files.writeString(d.resolve("notes.txt"), "precious");
        Files.writeString(d.resolve("sub/a.parquet"), "x");
        Map<String, byte[]> before = snapshot(dir);
        SpillwayException e = assertThrows(SpillwayException.class, () -> frame(sw, 10, 1).writeParquet(d, ParquetWriteOptions.defaults()));
        assertTrue(e.getMessage().contains("Refusing to replace"), e.getMessage());
        assertSameTree(before, snapshot(dir));
        // a single-file target that is a directory, and a directory target that is a file
        Files.createDirectories(dir.resolve("adir.parquet"));
        assertThrows(SpillwayException.class, () -> frame(sw, 10, 1).writeParquet(dir.resolve("adir.parquet"), ParquetWriteOptions.defaults()));
        Files.writeString(dir.resolve("afile"), "x");
        assertThrows(SpillwayException.class, () -> frame(sw, 10, 1).writeParquet(dir.resolve("afile"), ParquetWriteOptions.defaults()));
        assertEquals("x", Files.readString(dir.resolve("afile")));
    }

    @Test
    void leftoversOfACrashedSwapAreCleanedUpByTheNextWrite() throws IOException {
        Path d = dir.resolve("ds");
        Path old = dir.resolve(".ds.spillway-old-1234");
        Files.createDirectories(old);
        Files.writeString(old.resolve("part-00000-x.parquet"), "x");
        frame(sw, 100, 1).writeParquet(d, ParquetWriteOptions.defaults());
        assertFalse(Files.exists(old));
        assertEquals(100L, DuckOracle.scalarLong("SELECT count(*) FROM read_parquet('" + sql(d) + "/*.parquet')"));
    }
}

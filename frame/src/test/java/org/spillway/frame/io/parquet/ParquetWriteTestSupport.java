package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/** Frames with every type and awkward values, and ways to read Parquet back through DuckDB and the footer. */
final class ParquetWriteTestSupport {
    static final Schema SCHEMA = Schema.of(new Field("id", DataType.INT32), new Field("i", DataType.INT32),
            new Field("l", DataType.INT64), new Field("d", DataType.FLOAT64), new Field("s", DataType.STRING),
            new Field("b", DataType.BOOL), new Field("dt", DataType.DATE), new Field("ts", DataType.TIMESTAMP),
            new Field("cat", DataType.STRING));

    private static final String[] WORDS = {"", "a", "b", "Zürich", "日本語 😀", "x/y=z%", "long-" + "w".repeat(100),
        "long-" + "w".repeat(100) + "!", "\u00ff\u00ff", "tab\tnew\nline"};

    private ParquetWriteTestSupport() {
    }

    /** {@code n} rows: id = row number; the other columns random with edge values and about 10% nulls. */
    static List<List<Object>> rows(int n, long seed) {
        Random r = new Random(seed);
        List<List<Object>> out = new ArrayList<>(n);
        int[] ints = {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 1};
        long[] longs = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1};
        double[] dbls = {Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
            -Double.MAX_VALUE, 1e-300};
        for (int k = 0; k < n; k++) {
            List<Object> row = new ArrayList<>();
            row.add(k);
            row.add(nul(r) ? null : r.nextInt(10) == 0 ? ints[r.nextInt(ints.length)] : r.nextInt(1000) - 500);
            row.add(nul(r) ? null : r.nextInt(10) == 0 ? longs[r.nextInt(longs.length)] : r.nextLong());
            row.add(nul(r) ? null : r.nextInt(10) == 0 ? dbls[r.nextInt(dbls.length)] : r.nextGaussian() * 1e6);
            row.add(nul(r) ? null : r.nextInt(3) == 0 ? WORDS[r.nextInt(WORDS.length)] : "s" + r.nextInt(1_000_000));
            row.add(nul(r) ? null : r.nextBoolean());
            row.add(nul(r) ? null : LocalDate.ofEpochDay(r.nextInt(200_000) - 100_000));
            row.add(nul(r) ? null : Instant.EPOCH.plusNanos((r.nextLong() % 4_000_000_000_000_000L) * 1000));
            row.add(nul(r) ? null : WORDS[r.nextInt(WORDS.length)]);
            out.add(row);
        }
        return out;
    }

    private static boolean nul(Random r) {
        return r.nextInt(10) == 0;
    }

    static DataFrame frame(Spillway sw, int n, long seed) {
        return sw.createDataFrame(SCHEMA, rows(n, seed));
    }

    static String sql(Path p) {
        return p.toString().replace("'", "''");
    }

    /** The rows DuckDB reads from a file or a directory (recursively), ordered by {@code id}. */
    static List<List<Object>> duckRows(Path target, String columns) {
        String glob = Files.isDirectory(target) ? sql(target) + "/**/*.parquet" : sql(target);
        return DuckOracle.query("SELECT " + columns + " FROM read_parquet('" + glob + "', hive_partitioning=false) ORDER BY id");
    }

    /** The frame's rows in normal form, ordered by its first column (id). */
    static List<List<Object>> frameRows(DataFrame df) {
        List<List<Object>> rows = new ArrayList<>(DuckOracle.rows(df));
        rows.sort(Comparator.comparingLong(r -> (Long) r.getFirst()));
        return rows;
    }

    /** Exact equality (Double.equals: NaN equals NaN, -0.0 differs from 0.0), with the first differing row in the message. */
    static void assertExactlyEqual(List<List<Object>> want, List<List<Object>> got) {
        assertEquals(want.size(), got.size(), "row count");
        for (int i = 0; i < want.size(); i++) {
            if (!want.get(i).equals(got.get(i))) {
                assertEquals(want.get(i), got.get(i), "row " + i);
            }
        }
    }

    /** The footer of a Parquet file, parsed with parquet-format-structures. */
    static FileMetaData footer(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        assertEquals("PAR1", new String(all, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals("PAR1", new String(all, all.length - 4, 4, java.nio.charset.StandardCharsets.US_ASCII));
        int len = ByteBuffer.wrap(all, all.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        try (InputStream in = new java.io.ByteArrayInputStream(Arrays.copyOfRange(all, all.length - 8 - len, all.length - 8))) {
            return Util.readFileMetaData(in);
        }
    }

    /** Every .parquet file under {@code dir}, sorted. */
    static List<Path> parquetFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
        }
    }

    /** Every path under {@code dir} (relative, sorted), for "nothing else was left" checks. */
    static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }
}

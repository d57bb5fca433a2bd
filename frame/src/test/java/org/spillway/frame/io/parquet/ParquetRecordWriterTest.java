package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.binary;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.bool;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.float64;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.int32;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.int64;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.list;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.map;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.string;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.struct;

import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.SchemaElement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.spillway.frame.io.ParquetWriteOptions.Codec;
import org.spillway.frame.io.parquet.ParquetRecordSchema.Field;
import org.spillway.frame.testkit.DuckOracle;

/**
 * {@link ParquetRecordWriter}: round trips through {@link ParquetRecords} (nulls at every level) and
 * DuckDB reading the files (its {@code to_json} of every row equals what we wrote).
 */
class ParquetRecordWriterTest {
    @TempDir
    Path tmp;

    /** Every kind, nested: structs in lists in maps, lists of lists, maps of structs, required fields. */
    static final ParquetRecordSchema RICH = ParquetRecordSchema.of(
            int64("id").notNull(),
            string("s"), int32("i"), bool("b"), float64("d"), binary("bin"),
            struct("st", string("a"), int64("n").notNull(), struct("inner", list("xs", int32("e")), bool("flag"))),
            list("ls", string("e")),
            list("lint", int64("e").notNull()),
            list("lst", struct("e", string("k"), map("m", string("k"), int64("v")))),
            list("lll", list("e", int32("e"))),
            map("m", string("k"), string("v")),
            map("mi", int32("k"), list("v", string("e"))),
            map("ms", int64("k"), struct("v", string("a"), float64("b")).notNull()),
            struct("req", string("x").notNull(), list("y", bool("e")).notNull()).notNull());

    @Test
    void handWrittenNullsAtEveryLevel() {
        ParquetRecordSchema schema = ParquetRecordSchema.of(
                struct("tx", string("a"), int64("b"), map("pv", string("k"), string("v")), list("f", string("e"))),
                list("l", int32("e")), map("m", string("k"), int64("v")));
        List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(row("tx", null, "l", null, "m", null)); // null struct, null list, null map
        rows.add(row("tx", row("a", null, "b", null, "pv", null, "f", null), "l", List.of(), "m", Map.of())); // null fields, empty list and map
        rows.add(row("tx", row("a", "x", "b", 1L, "pv", Map.of(), "f", List.of()), "l", Arrays.asList(null, null), "m", row("k", null)));
        rows.add(row("tx", row("a", "", "b", -1L, "pv", row("p", null, "q", "1"), "f", Arrays.asList("a", null, "")),
                "l", Arrays.asList(1, null, 3), "m", row("a", 1L, "b", null, "c", 3L)));
        rows.add(new LinkedHashMap<>()); // every field missing: all null
        Path f = tmp.resolve("hand.parquet");
        ParquetRecordWriter.write(f, schema, rows);
        assertRoundTrip(f, schema, rows);
        RecordsOracle.assertMatchesDuckDb(f, null);
        assertEquals(List.of(List.of(3L, 5L)), DuckOracle.query("SELECT count(tx), count(*) FROM " + scan(f)));
        assertEquals(List.of(List.of(0L), List.of(3L)), DuckOracle.query("SELECT len(l) FROM " + scan(f) + " WHERE len(l) IN (0, 3) ORDER BY 1"));
        assertEquals("1", DuckOracle.scalar("SELECT tx.pv['q'] FROM " + scan(f) + " WHERE tx.b = -1"));
    }

    @ParameterizedTest
    @EnumSource(Codec.class)
    void randomNestedRowsRoundTripAndDuckDbAgrees(Codec codec) {
        List<Map<String, Object>> rows = randomRows(RICH, 1500, codec.ordinal());
        Path f = tmp.resolve("rich-" + codec + ".parquet");
        try (ParquetRecordWriter w = ParquetRecordWriter.open(f, RICH, codec, 400)) {
            rows.forEach(w::add);
            assertEquals(1500, w.rows());
        }
        FileMetaData meta = ParquetFile.open(f).meta;
        assertEquals(4, meta.getRow_groupsSize());
        assertEquals(codec.name(), meta.getRow_groups().get(0).getColumns().get(0).getMeta_data().getCodec().name());
        assertRoundTrip(f, RICH, rows);
        RecordsOracle.assertMatchesDuckDb(f, null);
    }

    @Test
    void manyPagesAndNullCounts() {
        ParquetRecordSchema schema = ParquetRecordSchema.of(int64("n"), list("xs", string("e")), bool("b"));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            rows.add(row("n", i % 10 == 0 ? null : (long) i, "xs", i % 7 == 0 ? null : List.of("v" + i, "w"), "b", i % 3 == 0));
        }
        Path f = tmp.resolve("pages.parquet");
        ParquetRecordWriter.write(f, schema, rows);
        assertRoundTrip(f, schema, rows);
        // pages cut at 20,000 rows: three per column, statistics with the null count
        var cols = ParquetFile.open(f).meta.getRow_groups().get(0).getColumns();
        assertEquals(3, cols.get(0).getMeta_data().getEncoding_stats().get(0).getCount());
        assertEquals(5000, cols.get(0).getMeta_data().getStatistics().getNull_count());
        assertEquals(List.of(List.of(45_000L, 50_000L - 7143, 16667L, 2L * (50_000 - 7143))), DuckOracle.query(
                "SELECT count(n), count(xs), count(*) FILTER (WHERE b), sum(len(xs)) FROM " + scan(f)));
    }

    @Test
    void footerSchemaIsSparks() {
        ParquetRecordSchema schema = ParquetRecordSchema.of(
                struct("add", string("path"), map("partitionValues", string("key"), string("value")), int64("size"), int32("n")),
                list("features", string("element")));
        Path f = tmp.resolve("schema.parquet");
        ParquetRecordWriter.write(f, schema, List.of(row("add", null, "features", List.of("a"))));
        List<String> els = new ArrayList<>();
        for (SchemaElement e : ParquetFile.open(f).meta.getSchema()) {
            els.add(e.getName() + " " + e.getRepetition_type() + " " + e.getType() + " " + e.getConverted_type() + " "
                    + (e.isSetLogicalType() ? e.getLogicalType().getSetField().name() : null) + " "
                    + (e.isSetNum_children() ? e.getNum_children() : "-"));
        }
        assertEquals(List.of(
                "spark_schema null null null null 2",
                "add OPTIONAL null null null 4",
                "path OPTIONAL BYTE_ARRAY UTF8 STRING -",
                "partitionValues OPTIONAL null MAP MAP 1",
                "key_value REPEATED null null null 2",
                "key REQUIRED BYTE_ARRAY UTF8 STRING -",
                "value OPTIONAL BYTE_ARRAY UTF8 STRING -",
                "size OPTIONAL INT64 null null -",
                "n OPTIONAL INT32 null null -",
                "features OPTIONAL null LIST LIST 1",
                "list REPEATED null null null 1",
                "element OPTIONAL BYTE_ARRAY UTF8 STRING -"), els);
        assertEquals(List.of(List.of("STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, n INTEGER)"),
                List.of("VARCHAR[]")),
                DuckOracle.query("SELECT column_type FROM (DESCRIBE SELECT * FROM " + scan(f) + ")"));
    }

    @Test
    void emptyFileAndErrors() throws Exception {
        ParquetRecordSchema schema = ParquetRecordSchema.of(int64("a").notNull(), map("m", string("k"), string("v")), list("l", int32("e")));
        Path empty = tmp.resolve("empty.parquet");
        ParquetRecordWriter.write(empty, schema, List.of());
        assertEquals(List.of(), ParquetRecords.read(empty));
        assertEquals(0L, DuckOracle.scalarLong("SELECT count(*) FROM " + scan(empty)));
        // an existing file is never overwritten
        UncheckedIOException ex = assertThrows(UncheckedIOException.class, () -> ParquetRecordWriter.open(empty, schema));
        assertTrue(ex.getCause() instanceof FileAlreadyExistsException, ex.toString());
        assertTrue(Files.size(empty) > 8);
        // bad rows fail naming the field, are left out, and the writer goes on
        Path f = tmp.resolve("errors.parquet");
        try (ParquetRecordWriter w = ParquetRecordWriter.open(f, schema)) {
            w.add(row("a", 1L, "m", row("x", "y"), "l", List.of(1, 2)));
            assertMessage(() -> w.add(row("a", null)), "'a' is not null");
            assertMessage(() -> w.add(row("a", 2L, "m", row("x", 3))), "'m.key_value.value'");
            assertMessage(() -> w.add(row("a", 2L, "m", row(null, "v"))), "'m.key_value.key' is not null");
            assertMessage(() -> w.add(row("a", 2L, "l", List.of(1, 2, "3"))), "'l.list.element'");
            assertMessage(() -> w.add(row("a", 2L, "l", List.of(1, 2, 1L << 40))), "out of range");
            assertMessage(() -> w.add(row("a", 2L, "zz", 1)), "'zz'");
            assertMessage(() -> w.add(row("a", "2")), "'a'");
            w.add(row("a", 3L, "m", Map.of(), "l", Arrays.asList(null, 4)));
        }
        assertRoundTrip(f, schema, List.of(row("a", 1L, "m", row("x", "y"), "l", List.of(1, 2)),
                row("a", 3L, "m", Map.of(), "l", Arrays.asList(null, 4))));
        RecordsOracle.assertMatchesDuckDb(f, null);
        // a failed static write deletes the file
        Path g = tmp.resolve("failed.parquet");
        assertThrows(IllegalArgumentException.class, () -> ParquetRecordWriter.write(g, schema, List.of(row("a", 1L), row("a", null))));
        assertFalse(Files.exists(g));
        // schema errors
        assertThrows(IllegalArgumentException.class, () -> ParquetRecordSchema.of(string("a"), int32("a")));
        assertThrows(IllegalArgumentException.class, () -> struct("s"));
        assertEquals("struct<a: int64 not null, m: map<string not null, string>, l: array<int32>>", schema.toString());
    }

    // ---- helpers

    static String scan(Path f) {
        return "read_parquet(" + ParquetTestSupport.sqlPath(f) + ")";
    }

    private static void assertMessage(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    /** A map of alternating keys and values (nulls allowed). */
    static Map<String, Object> row(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Asserts that {@link ParquetRecords} reads back exactly {@code rows} (missing struct fields as nulls). */
    static void assertRoundTrip(Path f, ParquetRecordSchema schema, List<? extends Map<String, ?>> rows) {
        List<Map<String, Object>> back = ParquetRecords.read(f);
        assertEquals(rows.size(), back.size(), "rows");
        Field root = struct("root", schema.fields());
        for (int i = 0; i < rows.size(); i++) {
            Object want = expected(root, rows.get(i));
            Object got = comparable(back.get(i));
            if (!want.equals(got)) {
                assertEquals(String.valueOf(want), String.valueOf(got), "row " + i);
                assertEquals(want, got, "row " + i);
            }
        }
    }

    /** What the reader returns for {@code v} of {@code f}: every struct field present, ints by kind, binary as hex. */
    static Object expected(Field f, Object v) {
        if (v == null) {
            return null;
        }
        return switch (f.kind()) {
            case STRUCT -> {
                Map<String, Object> out = new LinkedHashMap<>();
                Map<?, ?> m = (Map<?, ?>) v;
                for (Field c : f.children()) {
                    out.put(c.name(), expected(c, m.get(c.name())));
                }
                yield out;
            }
            case LIST -> {
                List<Object> out = new ArrayList<>();
                ((List<?>) v).forEach(x -> out.add(expected(f.children().get(0), x)));
                yield out;
            }
            case MAP -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                ((Map<?, ?>) v).forEach((k, x) -> out.put(expected(f.children().get(0), k), expected(f.children().get(1), x)));
                yield out;
            }
            case INT32 -> ((Number) v).intValue();
            case INT64 -> ((Number) v).longValue();
            case FLOAT64 -> ((Number) v).doubleValue();
            case BINARY -> HexFormat.of().formatHex((byte[]) v);
            default -> v;
        };
    }

    /** The reader's value with binary as hex (for equals). */
    static Object comparable(Object v) {
        return switch (v) {
            case null -> null;
            case byte[] b -> HexFormat.of().formatHex(b);
            case Map<?, ?> m -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                m.forEach((k, x) -> out.put(comparable(k), comparable(x)));
                yield out;
            }
            case List<?> l -> {
                List<Object> out = new ArrayList<>();
                l.forEach(x -> out.add(comparable(x)));
                yield out;
            }
            default -> v;
        };
    }

    /** Random rows of {@code schema}: about one value in six null where allowed, empty and missing ones too. */
    static List<Map<String, Object>> randomRows(ParquetRecordSchema schema, int n, long seed) {
        Random rnd = new Random(seed);
        List<Map<String, Object>> rows = new ArrayList<>();
        Field root = struct("root", schema.fields()).notNull();
        for (int i = 0; i < n; i++) {
            @SuppressWarnings("unchecked")
            Map<String, Object> r = (Map<String, Object>) random(root, rnd, 0);
            rows.add(r);
        }
        return rows;
    }

    private static Object random(Field f, Random rnd, int depth) {
        if (f.nullable() && rnd.nextInt(6) == 0) {
            return null;
        }
        return switch (f.kind()) {
            case STRUCT -> {
                Map<String, Object> m = new HashMap<>(); // any Map works; order comes from the schema
                for (Field c : f.children()) {
                    Object x = random(c, rnd, depth + 1);
                    if (x != null || rnd.nextBoolean()) {
                        m.put(c.name(), x); // a missing key is a null
                    }
                }
                yield m;
            }
            case LIST -> {
                int len = rnd.nextInt(depth > 2 ? 3 : 5);
                List<Object> l = new ArrayList<>();
                for (int i = 0; i < len; i++) {
                    l.add(random(f.children().get(0), rnd, depth + 1));
                }
                yield l;
            }
            case MAP -> {
                int len = rnd.nextInt(4);
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < len; i++) {
                    m.put(random(f.children().get(0), rnd, depth + 1), random(f.children().get(1), rnd, depth + 1));
                }
                yield m;
            }
            case STRING -> rnd.nextInt(10) == 0 ? "" : rnd.nextInt(10) == 0 ? "ünï\u00e9\u4e2d" + rnd.nextInt(5) : "s" + rnd.nextInt(1000);
            case INT32 -> rnd.nextInt(5) == 0 ? Integer.MIN_VALUE + rnd.nextInt(2) : rnd.nextInt();
            case INT64 -> rnd.nextInt(5) == 0 ? Long.MAX_VALUE - rnd.nextInt(2) : rnd.nextLong();
            case BOOL -> rnd.nextBoolean();
            case FLOAT64 -> rnd.nextInt(8) == 0 ? -0.5 : Math.round(rnd.nextGaussian() * 1e6) / 1024.0;
            case BINARY -> {
                byte[] b = new byte[rnd.nextInt(6)];
                rnd.nextBytes(b);
                yield b;
            }
        };
    }

    @Test
    void booleansPackAcrossRowsAndResets() {
        ParquetRecordSchema schema = ParquetRecordSchema.of(list("bs", bool("e")), int64("n").notNull());
        List<Map<String, Object>> rows = new ArrayList<>();
        Path f = tmp.resolve("bools.parquet");
        try (ParquetRecordWriter w = ParquetRecordWriter.open(f, schema)) {
            for (int i = 0; i < 300; i++) {
                Map<String, Object> r = row("bs", List.of(i % 2 == 0, i % 3 == 0, true), "n", (long) i);
                w.add(r);
                rows.add(r);
                // a row failing after some booleans were added leaves no trace
                assertThrows(IllegalArgumentException.class, () -> w.add(row("bs", List.of(true, true, true), "n", null)));
            }
        }
        assertRoundTrip(f, schema, rows);
        assertArrayEquals(new long[] {300}, new long[] {DuckOracle.scalarLong("SELECT count(*) FROM " + scan(f))});
    }
}

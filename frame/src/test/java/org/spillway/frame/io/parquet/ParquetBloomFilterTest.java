package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongFunction;
import org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.Type;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.Expr;
import org.spillway.spill.DataType;

/**
 * Bloom filters and dictionaries DuckDB wrote, read by {@link EqualityPruner}: a row group is skipped
 * only when the value is truly absent from it (checked against the decoded rows for many random values
 * of every type), nearly always by the bloom filter and otherwise by the dictionary; literals are
 * hashed in the column's physical type.
 */
class ParquetBloomFilterTest {
    static final int GROUP = 10240;
    static final int GROUPS = 6;
    @TempDir
    static Path dir;
    static Path file;
    static ParquetSource src;
    /** Per row group: the keys k present (every column but kn is a function of k), and those of kn. */
    static final List<Set<Long>> keys = new ArrayList<>();
    static final List<Set<Long>> nullableKeys = new ArrayList<>();

    /**
     * Key k = (hash % 600) * 10 + (group % 3) + 1: every row group spans about the same range (statistics cannot
     * tell), but holds only keys ending in one digit; 600 distinct keys per group, so DuckDB dictionary-encodes every
     * column and writes a bloom filter for each.
     */
    @BeforeAll
    static void write() {
        file = dir.resolve("bloom.parquet");
        ParquetTestSupport.exec("COPY (SELECT i AS id, k::BIGINT AS k64, k::INTEGER AS k32, 'key-' || k AS s,"
                + " DATE '2000-01-01' + k::INTEGER AS d, k / 4.0 AS f, (k / 4.0)::FLOAT AS f32,"
                + " TIMESTAMP '2020-01-01' + to_seconds(k::BIGINT) AS ts,"
                + " (TIMESTAMP '2020-01-01' + to_seconds(k::BIGINT))::TIMESTAMP_MS AS tsms,"
                + " (TIMESTAMP '2020-01-01' + to_seconds(k::BIGINT))::TIMESTAMP_NS AS tsns, k::UINTEGER AS u32,"
                + " CASE WHEN i % 10 = 0 THEN NULL ELSE k::BIGINT END AS kn, TIME '00:00:00' + to_seconds(k::BIGINT) AS t"
                + " FROM (SELECT i, (hash(i) % 600) * 10 + ((i // " + GROUP + ") % 3) + 1 AS k FROM range(" + GROUP * GROUPS
                + ") t(i))) TO " + ParquetTestSupport.sqlPath(file) + " (FORMAT parquet, ROW_GROUP_SIZE " + GROUP + ")");
        src = ParquetSource.open(file.toString());
        assertEquals(GROUPS, src.rowGroups().size());
        int k64 = src.schema().indexOf("k64");
        int kn = src.schema().indexOf("kn");
        List<List<Object>> rows = ParquetTestSupport.read(src, new int[] {k64, kn}, 4096, new TreeMap<>());
        for (int g = 0; g < GROUPS; g++) {
            assertEquals(GROUP, src.rowGroups().get(g).rows());
            keys.add(new HashSet<>());
            nullableKeys.add(new HashSet<>());
        }
        for (int r = 0; r < rows.size(); r++) {
            keys.get(r / GROUP).add((Long) rows.get(r).get(0));
            if (rows.get(r).get(1) != null) {
                nullableKeys.get(r / GROUP).add((Long) rows.get(r).get(1));
            }
        }
    }

    @Test
    void everyDictionaryColumnHasABloomFilter() {
        assertEquals(List.of("k64", "k32", "s", "d", "f", "f32", "ts", "tsms", "tsns", "u32", "kn", "t"),
                List.copyOf(src.bloomFilterColumns()));
        assertEquals(src.bloomFilterColumns(), src.dictionaryColumns());
    }

    /** Literals of each column for a key (several Java types where the filter accepts them). */
    private static List<LongFunction<Object>> literals(String column) {
        LocalDateTime epoch = LocalDateTime.of(2020, 1, 1, 0, 0);
        return switch (column) {
            case "k64", "kn" -> List.of(k -> k, k -> (int) k, k -> (double) k);
            case "k32" -> List.of(k -> (int) k, k -> k, k -> (double) k);
            case "u32" -> List.of(k -> k, k -> (int) k);
            case "s" -> List.of(k -> "key-" + k);
            case "d" -> List.of(k -> LocalDate.of(2000, 1, 1).plusDays(k), k -> LocalDate.of(2000, 1, 1).plusDays(k).toString());
            case "f", "f32" -> List.of(k -> k / 4.0);
            case "ts", "tsms", "tsns" -> List.of(k -> epoch.plusSeconds(k), k -> epoch.plusSeconds(k).toString());
            case "t" -> List.of(k -> LocalTime.ofSecondOfDay(k), k -> LocalTime.ofSecondOfDay(k).toString());
            default -> throw new IllegalArgumentException(column);
        };
    }

    @Test
    void randomValuesAreSkippedOnlyWhereAbsent() {
        Random rnd = new Random(42);
        List<List<Long>> stored = keys.stream().map(s -> List.copyOf(new java.util.TreeSet<>(s))).toList();
        for (String column : src.bloomFilterColumns()) {
            long absentPairs = 0;
            long skipped = 0; // by the bloom filters
            long presentPairs = 0;
            for (LongFunction<Object> lit : literals(column)) {
                for (int n = 0; n < 150; n++) {
                    // half drawn from a row group's keys, half from the whole range (most of those absent)
                    List<Long> some = stored.get(rnd.nextInt(GROUPS));
                    long k = rnd.nextBoolean() ? some.get(rnd.nextInt(some.size())) : rnd.nextInt(6100);
                    Object v = lit.apply(k);
                    Expr filter = col(column).eq(v);
                    try (EqualityPruner p = EqualityPruner.of(src, filter, src.schema())) {
                        assertNotNull(p, column);
                        for (int g = 0; g < GROUPS; g++) {
                            boolean present = (column.equals("kn") ? nullableKeys : keys).get(g).contains(k);
                            EqualityPruner.Verdict verdict = p.judge(src.rowGroups().get(g), null);
                            if (present) {
                                presentPairs++;
                                assertEquals(EqualityPruner.Verdict.KEEP, verdict, column + " = " + v + " is in row group " + g);
                            } else {
                                absentPairs++;
                                skipped += verdict == EqualityPruner.Verdict.BLOOM ? 1 : 0;
                                // every data page is dictionary encoded: the dictionary decides the rest exactly
                                assertTrue(verdict != EqualityPruner.Verdict.KEEP, column + " = " + v + " kept in row group " + g);
                            }
                        }
                        assertTrue(p.bloomBytesRead() > 0 && p.filtersRead() <= GROUPS, column);
                    }
                }
            }
            assertTrue(presentPairs > 100, column + ": too few present values tried: " + presentPairs);
            assertTrue(skipped >= absentPairs * 0.95, column + ": only " + skipped + " of " + absentPairs + " absent values skipped");
        }
    }

    private static boolean skips(EqualityPruner p, RowGroupRef rg) {
        return p.judge(rg, null) != EqualityPruner.Verdict.KEEP;
    }

    @Test
    void inListsAndConjunctions() {
        long[] present = new long[GROUPS];
        for (int g = 0; g < GROUPS; g++) {
            present[g] = keys.get(g).iterator().next();
        }
        // two absent keys (ending in 0 and 9): every row group skipped; one present in group 0: only groups with it kept
        Expr absent = col("k64").eq(10L).or(col("k64").eq(1009L));
        Expr withPresent = col("k64").eq(10L).or(col("k64").eq(present[0]));
        try (EqualityPruner a = EqualityPruner.of(src, absent, src.schema());
             EqualityPruner b = EqualityPruner.of(src, withPresent, src.schema());
             EqualityPruner c = EqualityPruner.of(src, col("id").geq(0L).and(col("s").eq("key-20")), src.schema());
             EqualityPruner d = EqualityPruner.of(src, col("id").geq(0L).or(col("s").eq("key-20")), src.schema())) {
            for (int g = 0; g < GROUPS; g++) {
                RowGroupRef rg = src.rowGroups().get(g);
                assertTrue(skips(a, rg), "group " + g);
                assertEquals(!keys.get(g).contains(present[0]), skips(b, rg), "group " + g);
                assertTrue(skips(c, rg), "group " + g);
                assertFalse(skips(d, rg), "group " + g);
            }
        }
        // no equality on a column with a bloom filter: no pruner at all
        assertNull(EqualityPruner.of(src, col("id").eq(5L), src.schema()));
        assertNull(EqualityPruner.of(src, col("k64").gt(5L), src.schema()));
    }

    @Test
    void literalsThatCannotBeMappedExactlyNeverSkip() {
        for (Expr f : List.of(col("k64").eq(2.5), col("k32").eq(5_000_000_000L), col("f32").eq(0.1),
                col("tsms").eq(LocalDateTime.of(2020, 1, 1, 0, 0, 0, 1000)), col("u32").eq(-1L),
                col("k64").eq(Double.NaN), col("f").eq(Double.NaN))) {
            try (EqualityPruner p = EqualityPruner.of(src, f, src.schema())) {
                for (RowGroupRef rg : src.rowGroups()) {
                    assertFalse(skips(p, rg), f.toString());
                }
            }
        }
    }

    @Test
    void hashesFollowThePhysicalType() {
        BlockSplitBloomFilter h = new BlockSplitBloomFilter(32);
        ParquetTypes.Mapping date = new ParquetTypes.Mapping(Type.INT32, DataType.DATE, ParquetTypes.Conversion.NONE, 0);
        assertArrayEquals(new long[] {h.hash(19_000)}, ParquetBloomFilters.hashes(LocalDate.ofEpochDay(19_000), date));
        assertArrayEquals(new long[] {h.hash(19_000)}, ParquetBloomFilters.hashes(LocalDate.ofEpochDay(19_000).toString(), date));
        assertNull(ParquetBloomFilters.hashes(19_000, date), "an int literal is not compared with a date column");
        ParquetTypes.Mapping millis = new ParquetTypes.Mapping(Type.INT64, DataType.TIMESTAMP, ParquetTypes.Conversion.MILLIS, 0);
        Instant t = Instant.parse("2024-05-06T07:08:09.123Z");
        assertArrayEquals(new long[] {h.hash(t.toEpochMilli())}, ParquetBloomFilters.hashes(t, millis));
        assertNull(ParquetBloomFilters.hashes(t.plusNanos(1000), millis), "not a whole millisecond");
        ParquetTypes.Mapping nanos = new ParquetTypes.Mapping(Type.INT64, DataType.TIMESTAMP, ParquetTypes.Conversion.NANOS, 0);
        assertArrayEquals(new long[] {h.hash(t.toEpochMilli() * 1_000_000L)}, ParquetBloomFilters.hashes(t, nanos));
        ParquetTypes.Mapping str = new ParquetTypes.Mapping(Type.BYTE_ARRAY, DataType.STRING, ParquetTypes.Conversion.NONE, 0);
        assertArrayEquals(new long[] {h.hash(Binary.fromString("naïve"))}, ParquetBloomFilters.hashes("naïve", str));
        assertNull(ParquetBloomFilters.hashes(5, str));
        assertNull(ParquetBloomFilters.hashes("\uD800", str), "a lone surrogate has no UTF-8 form");
        assertNull(ParquetBloomFilters.hashes(null, str));
        ParquetTypes.Mapping i64 = new ParquetTypes.Mapping(Type.INT64, DataType.INT64, ParquetTypes.Conversion.NONE, 0);
        assertNull(ParquetBloomFilters.hashes("5", i64));
        assertArrayEquals(new long[] {h.hash(0L)}, ParquetBloomFilters.hashes(-0.0, i64));
        assertNull(ParquetBloomFilters.hashes(1e17, i64), "beyond the doubles' exact integers");
        ParquetTypes.Mapping dbl = new ParquetTypes.Mapping(Type.DOUBLE, DataType.FLOAT64, ParquetTypes.Conversion.NONE, 0);
        assertArrayEquals(new long[] {h.hash(0.0), h.hash(-0.0)}, ParquetBloomFilters.hashes(0, dbl), "both zeros");
        assertNull(ParquetBloomFilters.hashes(Long.MAX_VALUE, dbl));
        ParquetTypes.Mapping uuid = new ParquetTypes.Mapping(Type.FIXED_LEN_BYTE_ARRAY, DataType.STRING, ParquetTypes.Conversion.UUID, 16);
        String u = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
        assertNotNull(ParquetBloomFilters.hashes(u, uuid));
        assertNull(ParquetBloomFilters.hashes(u.toUpperCase(java.util.Locale.ROOT), uuid), "not the text a reader produces");
        ParquetTypes.Mapping bool = new ParquetTypes.Mapping(Type.BOOLEAN, DataType.BOOL, ParquetTypes.Conversion.NONE, 0);
        assertNull(ParquetBloomFilters.hashes(true, bool));
    }

    @Test
    void readsWithAndWithoutTheDeclaredLengthAndRefusesGarbage() throws Exception {
        ParquetFile pf = src.files.get(0);
        ParquetFile.Column s = pf.columns.stream().filter(c -> c.name().equals("s")).findFirst().orElseThrow();
        ColumnMetaData md = pf.meta.getRow_groups().get(0).getColumns().get(s.leaf()).getMeta_data();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ParquetBloomFilters.Read declared = ParquetBloomFilters.read(ch, ch.size(), md);
            assertNotNull(declared);
            assertEquals(md.getBloom_filter_length(), declared.bytes(), "header and bitset fill bloom_filter_length exactly");
            ColumnMetaData noLength = md.deepCopy();
            noLength.unsetBloom_filter_length();
            ParquetBloomFilters.Read walked = ParquetBloomFilters.read(ch, ch.size(), noLength);
            assertNotNull(walked);
            assertEquals(declared.filter(), walked.filter());
            ColumnMetaData wrong = md.deepCopy();
            wrong.setBloom_filter_offset(md.getData_page_offset()); // a page header, not a bloom filter header
            wrong.unsetBloom_filter_length();
            assertNull(ParquetBloomFilters.read(ch, ch.size(), wrong));
            wrong.setBloom_filter_offset(ch.size() - 2);
            assertNull(ParquetBloomFilters.read(ch, ch.size(), wrong));
            wrong.setBloom_filter_offset(md.getBloom_filter_offset());
            wrong.setBloom_filter_length(md.getBloom_filter_length() - 1); // the bitset does not fit
            assertNull(ParquetBloomFilters.read(ch, ch.size(), wrong));
        }
    }
}

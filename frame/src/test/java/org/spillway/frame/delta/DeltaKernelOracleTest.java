package org.spillway.frame.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.testkit.DeltaKernelOracle;
import org.spillway.frame.testkit.DeltaKernelOracle.DataFile;
import org.spillway.frame.testkit.DeltaKernelOracle.Protocol;
import org.spillway.frame.testkit.DeltaKernelOracle.TableSchema;

/**
 * The Delta Kernel oracle itself: Kernel writes a partitioned table of every type the oracle knows in two blind
 * appends (nulls, decimals at their scale, a null partition value), and reads it back at both versions.
 */
class DeltaKernelOracleTest {
    @TempDir
    static Path dir;
    static Path table;

    static final TableSchema SCHEMA = TableSchema.of("id long", "i integer", "s string", "d double", "b boolean", "day date",
            "ts timestamp", "ntz timestamp_ntz", "price decimal(10,2)", "big decimal(38,10)", "bin binary", "part string")
            .partitionedBy("part");

    /** Rows of the first commit, as written. */
    static final List<List<Object>> FIRST = List.of(
            row(1L, 10, "one", 1.5, true, LocalDate.of(2024, 1, 31), Instant.parse("2024-01-31T12:34:56.123456Z"),
                    LocalDateTime.of(2024, 1, 31, 12, 34, 56, 123_456_000), new BigDecimal("12.3"),
                    new BigDecimal("-1234567890123456789012345678.0123456789"), new byte[] {0, 1, (byte) 0xff}, "a"),
            row(2L, -20, "two", -0.25, false, LocalDate.of(1969, 12, 31), Instant.parse("1969-12-31T23:59:59.999999Z"),
                    LocalDateTime.of(1900, 1, 1, 0, 0), new BigDecimal("-99999999.99"), BigDecimal.ONE, new byte[0], "b"),
            row(3L, null, null, null, null, null, null, null, null, null, null, "a"),
            row(4L, 40, "four, with \"quotes\"", Double.NaN, true, LocalDate.of(2000, 2, 29), Instant.EPOCH,
                    LocalDateTime.of(2000, 2, 29, 23, 59, 59), new BigDecimal("0.01"), new BigDecimal("0E-10"), null, null));

    /** Rows of the second commit, as written. */
    static final List<List<Object>> SECOND = List.of(
            row(5L, Integer.MAX_VALUE, "five", Double.MAX_VALUE, false, LocalDate.of(9999, 12, 31),
                    Instant.parse("2262-04-11T23:47:16.854775Z"), LocalDateTime.of(1, 1, 1, 0, 0), 5, 5L, "cafe", "c"),
            row(6L, Integer.MIN_VALUE, "", -0.0, null, LocalDate.of(1, 1, 1), null, null,
                    new BigDecimal("99999999.99"), new BigDecimal("9999999999999999999999999999.9999999999"), null, "b"));

    @BeforeAll
    static void write() {
        table = dir.resolve("t");
        assertEquals(0, DeltaKernelOracle.appendRows(table, SCHEMA, FIRST));
        assertEquals(1, DeltaKernelOracle.appendRows(table, SCHEMA, SECOND));
    }

    private static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    /** The rows as the oracle reads them: ints as longs, decimals at the column's scale, binary as hex. */
    private static List<List<Object>> expected(List<List<Object>> rows) {
        List<List<Object>> out = new ArrayList<>();
        for (List<Object> r : rows) {
            List<Object> e = new ArrayList<>(r);
            e.set(1, e.get(1) == null ? null : ((Number) e.get(1)).longValue());
            e.set(8, e.get(8) == null ? null : new BigDecimal(e.get(8).toString()).setScale(2));
            e.set(9, e.get(9) == null ? null : new BigDecimal(e.get(9).toString()).setScale(10));
            if (e.get(10) instanceof byte[] b) {
                e.set(10, java.util.HexFormat.of().formatHex(b));
            }
            out.add(e);
        }
        return out;
    }

    private static List<List<Object>> byId(List<List<Object>> rows) {
        List<List<Object>> out = new ArrayList<>(rows);
        out.sort(Comparator.comparing(r -> (Long) r.getFirst()));
        return out;
    }

    @Test
    void readsEachVersion() {
        assertEquals(1, DeltaKernelOracle.latestVersion(table));
        assertEquals(expected(FIRST), byId(DeltaKernelOracle.read(table, 0)));
        List<List<Object>> both = new ArrayList<>(FIRST);
        both.addAll(SECOND);
        assertEquals(expected(both), byId(DeltaKernelOracle.read(table, 1)));
        assertEquals(expected(both), byId(DeltaKernelOracle.read(table)));
    }

    @Test
    void decimalsStayExact() {
        List<Object> r = byId(DeltaKernelOracle.read(table, 1)).getLast();
        assertEquals("9999999999999999999999999999.9999999999", ((BigDecimal) r.get(9)).toPlainString());
        assertEquals("99999999.99", ((BigDecimal) r.get(8)).toPlainString());
    }

    @Test
    void schemaAndMetadata() {
        assertEquals(List.of("id", "i", "s", "d", "b", "day", "ts", "ntz", "price", "big", "bin", "part"),
                DeltaKernelOracle.columnNames(table, 0));
        assertEquals(List.of("part"), DeltaKernelOracle.partitionColumns(table, 1));
        String json = DeltaKernelOracle.schemaJson(table, 1);
        assertTrue(json.contains("\"decimal(10,2)\"") && json.contains("\"timestamp_ntz\"") && json.contains("\"type\":\"struct\""), json);
        assertEquals(Map.of(), DeltaKernelOracle.tableProperties(table, 1));
        Protocol p = DeltaKernelOracle.protocol(table, 1);
        assertTrue(p.readerFeatures().contains("timestampNtz"), p.toString()); // timestamp_ntz needs reader version 3
        assertTrue(p.writerFeatures().contains("timestampNtz"), p.toString());
    }

    @Test
    void dataFiles() {
        List<DataFile> v0 = DeltaKernelOracle.dataFiles(table, 0);
        List<DataFile> v1 = DeltaKernelOracle.dataFiles(table, 1);
        assertEquals(3, v0.size(), v0.toString()); // partitions a, b and null
        assertEquals(5, v1.size(), v1.toString());
        for (DataFile f : v1) {
            assertFalse(f.deletionVector());
            assertTrue(f.path().startsWith("file:") && f.path().endsWith(".parquet"), f.path());
            assertTrue(f.stats() != null && f.stats().contains("\"numRecords\""), f.stats());
            assertTrue(f.partitionValues().containsKey("part"), f.partitionValues().toString());
        }
        assertEquals(1, v0.stream().filter(f -> f.partitionValues().get("part") == null).count());
    }

    /** Kernel 4.4 creates a column-mapped table but writes no data into one: the oracle can create it empty. */
    @Test
    void columnMapping() {
        Path t = dir.resolve("mapped");
        TableSchema schema = TableSchema.of("id long", "name string");
        assertEquals(0, DeltaKernelOracle.appendRows(t, schema, List.of(), Map.of("delta.columnMapping.mode", "name")));
        assertEquals("name", DeltaKernelOracle.tableProperties(t, 0).get("delta.columnMapping.mode"));
        assertTrue(DeltaKernelOracle.schemaJson(t, 0).contains("delta.columnMapping.physicalName"));
        assertTrue(DeltaKernelOracle.writerFeatures(t, 0).contains("columnMapping"));
        assertEquals(List.of(), DeltaKernelOracle.read(t, 0));
        assertThrows(UnsupportedOperationException.class, () -> DeltaKernelOracle.appendRows(t, schema, List.of(row(1L, "x"))));
    }

    /** Deletion vectors (written by the oracle, applied by Kernel): on disk, then inline on top, old versions intact. */
    @Test
    void deletionVectors() {
        Path t = dir.resolve("dv");
        TableSchema schema = TableSchema.of("id long", "k string").partitionedBy("k");
        List<List<Object>> rows = new ArrayList<>();
        for (long i = 0; i < 3000; i++) {
            rows.add(row(i, i % 2 == 0 ? "even" : "odd"));
        }
        assertEquals(0, DeltaKernelOracle.appendRows(t, schema, rows, Map.of("delta.enableDeletionVectors", "true")));
        assertTrue(DeltaKernelOracle.readerFeatures(t, 0).contains("deletionVectors"));
        assertEquals(1, DeltaKernelOracle.deleteRows(t, r -> (Long) r.getFirst() % 3 == 0, false));
        assertEquals(2, DeltaKernelOracle.deleteRows(t, r -> (Long) r.getFirst() < 10 && "odd".equals(r.get(1)), true));
        assertEquals(2, DeltaKernelOracle.deleteRows(t, r -> (Long) r.getFirst() < 0, true)); // nothing matches: no commit

        assertEquals(rows, byId(DeltaKernelOracle.read(t, 0)));
        assertEquals(rows.stream().filter(r -> (Long) r.getFirst() % 3 != 0).toList(), byId(DeltaKernelOracle.read(t, 1)));
        assertEquals(rows.stream().filter(r -> (Long) r.getFirst() % 3 != 0 && ((Long) r.getFirst() >= 10 || "even".equals(r.get(1))))
                .toList(), byId(DeltaKernelOracle.read(t, 2)));
        List<DataFile> files = DeltaKernelOracle.dataFiles(t, 2);
        assertEquals(2, files.size());
        assertTrue(files.stream().allMatch(DataFile::deletionVector), files.toString());
        assertTrue(files.stream().allMatch(f -> f.stats().contains("\"tightBounds\":false")), files.toString());
        assertThrows(IllegalStateException.class, () -> DeltaKernelOracle.deleteRows(table, r -> true, false)); // no DV support
    }

    @Test
    void missingTable() {
        Path missing = dir.resolve("missing");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeltaKernelOracle.read(missing));
        assertTrue(e.getMessage().contains("no Delta table at " + missing), e.getMessage());
        assertFalse(Files.exists(missing));
    }

    @Test
    void appendChecksTheSchema() {
        assertThrows(IllegalArgumentException.class,
                () -> DeltaKernelOracle.appendRows(table, TableSchema.of("id long"), List.of(row(7L))));
        assertThrows(IllegalArgumentException.class,
                () -> DeltaKernelOracle.appendRows(dir.resolve("bad"), TableSchema.of("x decimal(3,1)"), List.of(row(new BigDecimal("1.25")))));
    }
}

package org.spillway.frame.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.lit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.parquet.ParquetSource;
import org.spillway.frame.testkit.DeltaKernelOracle;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * Column mapping (name and id modes): Spillway writes physical names and field ids, renames and drops
 * columns without rewriting data, and Delta Kernel reads every version as Spillway does.
 */
@SpillwayTest
class DeltaColumnMappingTest {
    @TempDir
    Path dir;

    private static final Schema SCHEMA = Schema.of(new Field("id", DataType.INT64), new Field("name", DataType.STRING),
            new Field("score", DataType.FLOAT64), new Field("part", DataType.STRING));

    private static List<List<Object>> rows(long from, long to) {
        List<List<Object>> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(Arrays.asList(i, i % 5 == 0 ? null : "n" + i, i * 0.5, i % 3 == 0 ? "a" : "b"));
        }
        return out;
    }

    /** Rows as sorted text with the columns named, ints widened to longs as Kernel reads them. */
    private static List<String> ours(DataFrame df) {
        List<String> out = new ArrayList<>();
        List<String> names = df.schema().names();
        for (Row r : df.collect().rows()) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < names.size(); i++) {
                Object o = r.values().get(i);
                b.append(names.get(i)).append('=').append(o instanceof Integer n ? (Object) (long) n : o).append(' ');
            }
            out.add(b.toString());
        }
        out.sort(null);
        return out;
    }

    private static List<String> kernel(Path table, long version) {
        List<String> names = DeltaKernelOracle.columnNames(table, version);
        List<String> out = new ArrayList<>();
        for (List<Object> r : DeltaKernelOracle.read(table, version)) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < names.size(); i++) {
                b.append(names.get(i)).append('=').append(r.get(i)).append(' ');
            }
            out.add(b.toString());
        }
        out.sort(null);
        return out;
    }

    private static DeltaWriteOptions mapped(String mode) {
        return DeltaWriteOptions.defaults().withPartitionBy("part").withProperties(Map.of("delta.columnMapping.mode", mode));
    }

    @ParameterizedTest
    @ValueSource(strings = {"name", "id"})
    void renameDropAndReAddWithoutRewritingAndKernelAgrees(String mode, Spillway sw) throws Exception {
        Path t = dir.resolve("cm-" + mode);
        sw.createDataFrame(SCHEMA, rows(0, 100)).writeDelta(t, SaveMode.APPEND, mapped(mode));
        assertTrue(DeltaKernelOracle.readerFeatures(t, 0).contains("columnMapping"));
        assertEquals(mode, DeltaKernelOracle.tableProperties(t, 0).get("delta.columnMapping.mode"));
        // data files store physical names, with field ids
        try (Stream<Path> files = Files.walk(t)) {
            Path f = files.filter(p -> p.toString().endsWith(".parquet") && !p.toString().contains("_delta_log")).findFirst()
                    .orElseThrow();
            List<String> stored = sw.readParquet(f.toString()).schema().names();
            assertTrue(stored.stream().allMatch(n -> n.startsWith("col-")), stored.toString());
            assertTrue(f.getParent().getFileName().toString().startsWith("col-"), f.toString());
        }
        DeltaTable table = DeltaTable.forPath(sw, t);
        assertEquals(kernel(t, 0), ours(table.toDF()));
        long renamed = table.renameColumn("name", "label");
        long dropped = table.dropColumn("score");
        long readded = table.addColumn("score", DataType.INT32);
        sw.createDataFrame(Schema.of(new Field("id", DataType.INT64), new Field("label", DataType.STRING),
                new Field("part", DataType.STRING), new Field("score", DataType.INT32)),
                List.of(Arrays.asList(1000L, "new", "a", 7), Arrays.asList(1001L, null, "c", null))).writeDelta(t.toString());
        long renamedPart = table.renameColumn("part", "region");
        assertEquals(List.of(1L, 2L, 3L, 5L), List.of(renamed, dropped, readded, renamedPart));
        for (long v = 0; v <= table.version(); v++) {
            assertEquals(kernel(t, v), ours(table.asOfVersion(v)), "version " + v);
        }
        DataFrame now = table.toDF();
        assertEquals(List.of("id", "label", "region", "score"), now.schema().names());
        // the re-added score is a new column: null in the old rows, not the dropped doubles
        assertEquals(1, now.filter(col("score").isNotNull()).count());
        assertEquals(80, now.filter(col("label").isNotNull()).count() - 1);
        assertEquals(34, now.filter(col("region").eq("a")).count() - 1);
        // writes after the renames: delete, update, merge on the mapped names
        table.delete(col("id").lt(10));
        table.update(col("region").eq("c"), Map.of("label", lit("updated")));
        assertEquals(1, table.toDF().filter(col("label").eq("updated")).count());
        assertEquals(0, table.toDF().filter(col("id").isNull()).count());
        assertEquals(92, table.toDF().count());
        for (long v = readded; v <= table.version(); v++) {
            assertEquals(kernel(t, v), ours(table.asOfVersion(v)), "version " + v);
        }
        // the change feed across the rename reads the new names
        DataFrame changes = table.changes(renamedPart + 1, table.version());
        assertTrue(changes.schema().names().contains("region"));
        java.util.Set<Long> deleted = new java.util.TreeSet<>();
        java.util.Set<Long> inserted = new java.util.TreeSet<>();
        for (Row r : changes.collect().rows()) {
            (r.getString("_change_type").equals("delete") ? deleted : inserted).add(r.getLong("id"));
        }
        deleted.removeAll(inserted);
        assertEquals(java.util.stream.LongStream.range(0, 10).boxed().toList(), new ArrayList<>(deleted));
        // compaction keeps the physical names and field ids
        List<String> before = ours(table.toDF());
        table.optimize();
        assertEquals(before, ours(table.toDF()));
        assertEquals(kernel(t, table.version()), before);
    }

    @Test
    void renameTurnsColumnMappingOnForAnExistingTable(Spillway sw) {
        Path t = dir.resolve("plain");
        sw.createDataFrame(SCHEMA, rows(0, 50)).writeDelta(t.toString());
        DeltaTable table = DeltaTable.forPath(sw, t);
        table.renameColumn("score", "points");
        assertEquals("name", DeltaKernelOracle.tableProperties(t, 1).get("delta.columnMapping.mode"));
        assertTrue(DeltaKernelOracle.readerFeatures(t, 1).contains("columnMapping"));
        assertEquals(kernel(t, 1), ours(table.toDF()));
        assertEquals(kernel(t, 0), ours(table.asOfVersion(0)));
        sw.createDataFrame(Schema.of(new Field("id", DataType.INT64), new Field("name", DataType.STRING),
                new Field("points", DataType.FLOAT64), new Field("part", DataType.STRING)), rows(50, 60)).writeDelta(t.toString());
        assertEquals(kernel(t, 2), ours(table.toDF()));
        assertEquals(60, table.toDF().filter(col("points").isNotNull()).count());
        DeltaException noSuch = assertThrows(DeltaException.class, () -> table.renameColumn("nope", "x"));
        assertTrue(noSuch.getMessage().contains("no column 'nope'"), noSuch.getMessage());
        DeltaException taken = assertThrows(DeltaException.class, () -> table.renameColumn("id", "NAME"));
        assertTrue(taken.getMessage().contains("already has a column"), taken.getMessage());
    }

    @Test
    void idModeResolvesByFieldIdNotByName(Spillway sw) throws Exception {
        Path t = dir.resolve("ids");
        sw.createDataFrame(SCHEMA, rows(0, 20)).writeDelta(t, SaveMode.APPEND, mapped("id"));
        // the files' field ids are the schema's ids
        DeltaTable table = DeltaTable.forPath(sw, t);
        Snapshot snap = Snapshot.load(new DeltaLog(t), 0);
        List<Integer> ids = snap.fields().stream().map(f -> ((Number) f.metadata().get(DeltaSchemas.COLUMN_ID)).intValue()).toList();
        assertEquals(List.of(1, 2, 3, 4), ids);
        assertNotEquals(snap.physicalName("id"), "id");
        ParquetSource src = DeltaTable.scan(snap, snap.addFiles()).source();
        assertEquals(20, src.rows());
        assertEquals(kernel(t, 0), ours(table.toDF()));
    }
}

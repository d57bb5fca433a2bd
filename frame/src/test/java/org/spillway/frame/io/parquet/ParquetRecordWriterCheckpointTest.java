package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.bool;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.int32;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.int64;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.list;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.map;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.string;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.struct;
import static org.spillway.frame.io.parquet.ParquetRecordWriterTest.assertRoundTrip;
import static org.spillway.frame.io.parquet.ParquetRecordWriterTest.row;
import static org.spillway.frame.io.parquet.ParquetRecordWriterTest.scan;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.format.FileMetaData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.io.parquet.ParquetRecordSchema.Field;
import org.spillway.frame.testkit.DeltaKernelOracle;
import org.spillway.frame.testkit.DuckOracle;

/**
 * {@link ParquetRecordWriter} writing Delta Lake checkpoints: a 10k-file checkpoint read back by
 * {@link ParquetRecords} and DuckDB, and a Kernel-written checkpoint rewritten by us that Delta Kernel
 * then opens.
 */
class ParquetRecordWriterCheckpointTest {
    @TempDir
    Path tmp;

    private static Field stringMap(String name) {
        return map(name, string("key"), string("value"));
    }

    private static Field deletionVector() {
        return struct("deletionVector", string("storageType").notNull(), string("pathOrInlineDv").notNull(), int32("offset"),
                int32("sizeInBytes").notNull(), int64("cardinality").notNull());
    }

    /** The classic checkpoint schema exactly as Delta Kernel 4 writes it (nullability included). */
    static final ParquetRecordSchema CHECKPOINT = ParquetRecordSchema.of(
            struct("txn", string("appId").notNull(), int64("version").notNull(), int64("lastUpdated")),
            struct("add", string("path").notNull(), stringMap("partitionValues").notNull(), int64("size").notNull(),
                    int64("modificationTime").notNull(), bool("dataChange").notNull(), deletionVector(), stringMap("tags"),
                    int64("baseRowId"), int64("defaultRowCommitVersion"), string("stats")),
            struct("remove", string("path").notNull(), int64("deletionTimestamp"), bool("dataChange").notNull(), bool("extendedFileMetadata"),
                    stringMap("partitionValues"), int64("size"), string("stats"), stringMap("tags"), deletionVector(), int64("baseRowId"),
                    int64("defaultRowCommitVersion")),
            struct("metaData", string("id").notNull(), string("name"), string("description"),
                    struct("format", string("provider").notNull(), map("options", string("key"), string("value").notNull())).notNull(),
                    string("schemaString").notNull(), list("partitionColumns", string("element").notNull()).notNull(), int64("createdTime"),
                    map("configuration", string("key"), string("value").notNull()).notNull()),
            struct("protocol", int32("minReaderVersion").notNull(), int32("minWriterVersion").notNull(),
                    list("readerFeatures", string("element").notNull()), list("writerFeatures", string("element").notNull())),
            struct("domainMetadata", string("domain").notNull(), string("configuration").notNull(), bool("removed").notNull()));

    @Test
    void tenThousandAddsReadBackByUsAndDuckDb() {
        List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(row("protocol", row("minReaderVersion", 3, "minWriterVersion", 7, "readerFeatures", List.of("deletionVectors"),
                "writerFeatures", List.of("deletionVectors", "domainMetadata", "rowTracking"))));
        rows.add(row("metaData", row("id", "6f1f3a4e-0000-4000-8000-000000000001", "name", null, "description", "a table",
                "format", row("provider", "parquet", "options", Map.of()),
                "schemaString", "{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}",
                "partitionColumns", List.of("date", "k"), "createdTime", 1_700_000_000_000L,
                "configuration", row("delta.enableDeletionVectors", "true", "delta.checkpointInterval", "10"))));
        rows.add(row("txn", row("appId", "streaming-query-1", "version", 42L, "lastUpdated", null)));
        rows.add(row("txn", row("appId", "streaming-query-2", "version", 7L, "lastUpdated", 1_700_000_000_123L)));
        rows.add(row("domainMetadata", row("domain", "delta.rowTracking", "configuration", "{\"rowIdHighWaterMark\":9999}", "removed", false)));
        for (int i = 0; i < 10_000; i++) {
            Map<String, Object> pv = new LinkedHashMap<>();
            pv.put("date", "2024-01-" + (10 + i % 20));
            pv.put("k", i % 4 == 0 ? null : "k" + (i % 13));
            Map<String, Object> dv = i % 9 != 0 ? null : row("storageType", "u", "pathOrInlineDv", "ab^-aqEH.-t@S}K{vb[*k^",
                    "offset", i % 2 == 0 ? 1 : null, "sizeInBytes", 36, "cardinality", (long) (i % 5 + 1));
            rows.add(row("add", row("path", "date=2024-01-" + (10 + i % 20) + "/part-" + String.format("%05d", i) + "-c000.snappy.parquet",
                    "partitionValues", pv, "size", 1000L + i * 17L, "modificationTime", 1_700_000_000_000L + i, "dataChange", false,
                    "deletionVector", dv, "tags", i % 7 == 0 ? Map.of("INSERTION_TIME", "1700000000000000") : null,
                    "baseRowId", (long) i, "defaultRowCommitVersion", i % 3 == 0 ? null : 3L,
                    "stats", i % 11 == 0 ? null
                            : "{\"numRecords\":" + i + ",\"minValues\":{\"id\":0},\"maxValues\":{\"id\":" + i + "},\"nullCount\":{\"id\":0}}")));
        }
        for (int i = 0; i < 100; i++) {
            rows.add(row("remove", row("path", "old-" + i + ".parquet", "deletionTimestamp", 1_600_000_000_000L + i, "dataChange", true,
                    "extendedFileMetadata", i % 2 == 0, "partitionValues", Map.of("date", "2023-12-31"), "size", 10L * i)));
        }
        Path f = tmp.resolve("00000000000000000010.checkpoint.parquet");
        long t0 = System.nanoTime();
        ParquetRecordWriter.write(f, CHECKPOINT, rows);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        FileMetaData meta = ParquetFile.open(f).meta;
        assertEquals("SNAPPY", meta.getRow_groups().get(0).getColumns().get(0).getMeta_data().getCodec().name());
        assertEquals(rows.size(), meta.getNum_rows());
        assertTrue(ms < 30_000, "took " + ms + " ms");
        assertRoundTrip(f, CHECKPOINT, rows);
        RecordsOracle.assertMatchesDuckDb(f, null);
        // DuckDB's own field access
        String from = " FROM " + scan(f);
        List<Object> paths = new ArrayList<>();
        List<Object> ks = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            if (r.get("add") instanceof Map<?, ?> add) {
                paths.add(add.get("path"));
                ks.add(((Map<?, ?>) add.get("partitionValues")).get("k"));
            }
        }
        assertEquals(paths, DuckOracle.query("SELECT add.path" + from + " WHERE add IS NOT NULL").stream().map(r -> r.get(0)).toList());
        assertEquals(ks, DuckOracle.query("SELECT add.partitionValues['k']" + from + " WHERE add IS NOT NULL").stream().map(r -> r.get(0)).toList());
        assertEquals(List.of(1L, 3L), DuckOracle.queryRow("SELECT len(protocol.readerFeatures), len(protocol.writerFeatures)" + from
                + " WHERE protocol IS NOT NULL"));
        assertEquals("parquet", DuckOracle.scalar("SELECT metaData.format.provider" + from + " WHERE metaData IS NOT NULL"));
        assertEquals("date,k", DuckOracle.scalar("SELECT array_to_string(metaData.partitionColumns, ',')" + from + " WHERE metaData IS NOT NULL"));
        assertEquals(List.of(10_000L, 1112L, 100L, 2L, 1L, 5L), DuckOracle.queryRow("SELECT count(add), count(add.deletionVector), count(remove),"
                + " count(txn), count(txn.lastUpdated), sum(add.deletionVector.cardinality) FILTER (WHERE add.path LIKE '%00009-%')" + from));
    }

    /**
     * Kernel writes a checkpoint, we rewrite it (same rows, same schema); with the commits before it
     * gone, Kernel opens the table from ours.
     */
    @Test
    void kernelOpensATableWhoseCheckpointWeWrote() throws Exception {
        Path t = tmp.resolve("table");
        DeltaKernelOracle.TableSchema schema = DeltaKernelOracle.TableSchema.of("id long", "k string").partitionedBy("k");
        List<List<Object>> expected = new ArrayList<>();
        for (int v = 0; v < 4; v++) {
            List<List<Object>> batch = List.of(List.of(v * 10L, "a"), Arrays.asList(v * 10L + 1, null), List.of(v * 10L + 2, "b" + v));
            DeltaKernelOracle.appendRows(t, schema, batch);
            expected.addAll(batch);
        }
        long version = DeltaKernelOracle.latestVersion(t);
        DeltaKernelOracle.checkpoint(t, version);
        Path log = t.resolve("_delta_log");
        Path cp = log.resolve(String.format("%020d.checkpoint.parquet", version));
        List<Map<String, Object>> kernelRows = ParquetRecords.read(cp);
        assertEquals(ParquetRecords.schema(cp).getFields(), schemaOf(CHECKPOINT), "our schema is Kernel's");
        Files.delete(cp);
        Files.deleteIfExists(log.resolve("." + cp.getFileName() + ".crc")); // Hadoop's local checksum of Kernel's file
        ParquetRecordWriter.write(cp, CHECKPOINT, kernelRows);
        assertRoundTrip(cp, CHECKPOINT, kernelRows);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(log, "*.json")) {
            for (Path p : ds) {
                if (!p.getFileName().toString().startsWith(String.format("%020d", version))) {
                    Files.delete(p); // the versions before the checkpoint can only come from it
                }
            }
        }
        assertTrue(Files.exists(log.resolve("_last_checkpoint")));
        Comparator<List<Object>> byId = Comparator.comparing(r -> (Long) r.get(0));
        List<List<Object>> got = new ArrayList<>(DeltaKernelOracle.read(t));
        got.sort(byId);
        expected.sort(byId);
        assertEquals(expected, got);
        assertEquals(version, DeltaKernelOracle.latestVersion(t));
        assertEquals(12, DeltaKernelOracle.dataFiles(t, version).size());
    }

    private Object schemaOf(ParquetRecordSchema s) {
        Path f = tmp.resolve("schema-only.parquet");
        ParquetRecordWriter.write(f, s, List.of());
        return ParquetRecords.schema(f).getFields();
    }
}

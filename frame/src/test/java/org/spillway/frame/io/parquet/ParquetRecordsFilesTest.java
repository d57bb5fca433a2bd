package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spillway.frame.io.ParquetFormatException;

/** {@link ParquetRecords} on the nested files of apache/parquet-testing, compared with DuckDB, and on broken files. */
class ParquetRecordsFilesTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"nested_lists.snappy.parquet", "nested_maps.snappy.parquet", "nested_structs.rust.parquet",
        "repeated_no_annotation.parquet", "old_list_structure.parquet", "list_columns.parquet", "null_list.parquet",
        "nonnullable.impala.parquet", "nullable.impala.parquet", "alltypes_plain.snappy.parquet", "datapage_v2.snappy.parquet",
        "byte_array_decimal.parquet", "fixed_length_decimal_legacy.parquet", "int32_decimal.parquet",
        "int64_decimal.parquet", "delta_byte_array.parquet", "delta_encoding_optional_column.parquet", "dict-page-offset-zero.parquet",
        "nulls.snappy.parquet", "rle_boolean_encoding.parquet", "byte_stream_split.zstd.parquet", "hadoop_lz4_compressed.parquet",
        "lz4_raw_compressed.parquet", "concatenated_gzip_members.parquet", "datapage_v2_empty_datapage.snappy.parquet",
        "page_v2_empty_compressed.parquet"})
    void sameAsDuckDb(String name) {
        RecordsOracle.assertMatchesDuckDb(ParquetTestSupport.resource(name), null);
    }

    @Test
    void int96AsSparkReadsIt() {
        // the values the file's documentation gives (DuckDB overflows on the last one)
        long[] micros = {1704141296123456L, 1704070800000000L, 253402225200000000L, 1735599600000000L, 0, 9089380393200000000L};
        List<Map<String, Object>> rows = ParquetRecords.read(ParquetTestSupport.resource("int96_from_spark.parquet"));
        assertEquals(6, rows.size());
        for (int i = 0; i < 6; i++) {
            Object expected = i == 4 ? null
                    : java.time.Instant.ofEpochSecond(Math.floorDiv(micros[i], 1_000_000L), Math.floorMod(micros[i], 1_000_000L) * 1000);
            assertEquals(expected, rows.get(i).get("a"), "row " + i);
        }
    }

    @Test
    void oldListStructureIsAListOfLists() {
        // optional group a (LIST) { repeated group array (LIST) { repeated int32 array } }: rules 3/4 and 1
        List<Map<String, Object>> rows = ParquetRecords.read(ParquetTestSupport.resource("old_list_structure.parquet"));
        assertEquals(List.of(Map.of("a", List.of(List.of(1, 2), List.of(3, 4)))), rows);
    }

    @Test
    void repeatedWithoutAnnotationIsAList() {
        List<Map<String, Object>> rows = ParquetRecords.read(ParquetTestSupport.resource("repeated_no_annotation.parquet"));
        assertEquals(6, rows.size());
        // phoneNumbers { repeated group phone { number, kind } }: a null group is null, a group without phones has an empty list
        assertNull(rows.get(0).get("phoneNumbers"));
        assertEquals(Map.of("phone", List.of()), rows.get(2).get("phoneNumbers"));
        assertEquals("{phone=[{number=5555555555, kind=null}]}", rows.get(3).get("phoneNumbers").toString());
        assertEquals("{phone=[{number=1111111111, kind=home}, {number=2222222222, kind=null}, {number=3333333333, kind=mobile}]}",
                rows.get(5).get("phoneNumbers").toString());
    }

    @Test
    void mapWithoutValueFieldHasNullValues() {
        List<Map<String, Object>> rows = ParquetRecords.read(ParquetTestSupport.resource("map_no_value.parquet"));
        assertEquals(3, rows.size());
        Map<Object, Object> expected = new java.util.LinkedHashMap<>();
        expected.put(1, null);
        expected.put(2, null);
        expected.put(3, null);
        assertEquals(expected, rows.get(0).get("my_map_no_v"));
        assertEquals(List.of(1, 2, 3), rows.get(0).get("my_list"));
    }

    @Test
    void mapKeyValueAnnotatedOuterGroupIsAMap() {
        // incorrect_map_schema.parquet: the outer group is annotated MAP_KEY_VALUE (read as MAP)
        List<Map<String, Object>> rows = ParquetRecords.read(ParquetTestSupport.resource("incorrect_map_schema.parquet"));
        assertEquals("[{my_map={parent=another, name=report}}]", rows.toString());
    }

    @Test
    void projectionReadsOnlyTheNamedFields() {
        Path f = ParquetTestSupport.resource("nullable.impala.parquet");
        List<Map<String, Object>> rows = ParquetRecords.read(f, Set.of("int_map", "id", "nope"));
        assertEquals(List.of("id", "int_map"), List.copyOf(rows.getFirst().keySet()));
        RecordsOracle.assertMatchesDuckDb(f, Set.of("int_map", "id"));
        List<Map<String, Object>> none = ParquetRecords.read(f, Set.of());
        assertEquals(ParquetRecords.read(f).size(), none.size());
        assertTrue(none.getFirst().isEmpty());
    }

    @Test
    void forEachStreamsAndPassesActionExceptionsThrough() {
        Path f = ParquetTestSupport.resource("nested_structs.rust.parquet");
        int[] n = {0};
        ParquetRecords.forEach(f, null, r -> n[0]++);
        assertEquals(ParquetRecords.read(f).size(), n[0]);
        IllegalStateException stop = new IllegalStateException("stop");
        assertEquals(stop, assertThrows(IllegalStateException.class, () -> ParquetRecords.forEach(f, null, r -> {
            throw stop;
        })));
    }

    @Test
    void corruptChecksumNamesFileAndColumn() {
        Path f = ParquetTestSupport.resource("datapage_v1-corrupt-checksum.parquet");
        ParquetFormatException e = assertThrows(ParquetFormatException.class, () -> ParquetRecords.read(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("checksum") && e.getMessage().contains("row group 0"),
                e.getMessage());
    }

    @Test
    void truncatedAndMissingFiles() throws IOException {
        byte[] b = Files.readAllBytes(ParquetTestSupport.resource("nested_maps.snappy.parquet"));
        Path t = tmp.resolve("truncated.parquet");
        Files.write(t, Arrays.copyOf(b, b.length / 2));
        ParquetFormatException e = assertThrows(ParquetFormatException.class, () -> ParquetRecords.read(t));
        assertTrue(e.getMessage().contains(t.toString()), e.getMessage());
        Path missing = tmp.resolve("missing.parquet");
        e = assertThrows(ParquetFormatException.class, () -> ParquetRecords.read(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void garbledPagesGiveFormatErrorsNamingTheFile() throws IOException {
        byte[] good = Files.readAllBytes(ParquetTestSupport.resource("nested_structs.rust.parquet"));
        int footer = (good[good.length - 8] & 0xff) | (good[good.length - 7] & 0xff) << 8 | (good[good.length - 6] & 0xff) << 16
                | (good[good.length - 5] & 0xff) << 24;
        int dataEnd = good.length - 8 - footer;
        Map<String, Integer> outcomes = new HashMap<>();
        java.util.Random rnd = new java.util.Random(42);
        for (int trial = 0; trial < 60; trial++) {
            byte[] b = good.clone();
            int at = 4 + rnd.nextInt(dataEnd - 4 - 16);
            for (int i = 0; i < 16; i++) {
                b[at + i] = (byte) rnd.nextInt();
            }
            Path f = tmp.resolve("garbled" + trial + ".parquet");
            Files.write(f, b);
            try {
                ParquetRecords.read(f);
                outcomes.merge("read", 1, Integer::sum); // garbage in plain values can still decode
            } catch (ParquetFormatException e) {
                assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
                outcomes.merge("error", 1, Integer::sum);
            }
        }
        assertTrue(outcomes.getOrDefault("error", 0) > 0, outcomes.toString());
    }
}

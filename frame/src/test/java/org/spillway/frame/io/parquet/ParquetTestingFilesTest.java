package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spillway.frame.io.ParquetFormatException;
import org.spillway.spill.DataType;

/** The apache/parquet-testing files, decoded and compared value by value with DuckDB. */
class ParquetTestingFilesTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "alltypes_plain.parquet", "alltypes_plain.snappy.parquet", "alltypes_dictionary.parquet",
        "datapage_v2.snappy.parquet", "delta_binary_packed.parquet", "delta_byte_array.parquet",
        "delta_encoding_optional_column.parquet", "delta_encoding_required_column.parquet",
        "delta_length_byte_array.parquet", "byte_stream_split.zstd.parquet",
        "lz4_raw_compressed.parquet", "hadoop_lz4_compressed.parquet", "non_hadoop_lz4_compressed.parquet",
        "nulls.snappy.parquet", "concatenated_gzip_members.parquet",
        "datapage_v1-snappy-compressed-checksum.parquet", "datapage_v1-uncompressed-checksum.parquet",
        "rle-dict-snappy-checksum.parquet", "plain-dict-uncompressed-checksum.parquet", "int32_with_null_pages.parquet",
        "dict-page-offset-zero.parquet", "rle_boolean_encoding.parquet", "datapage_v2_empty_datapage.snappy.parquet",
        "page_v2_empty_compressed.parquet", "single_nan.parquet", "nested_lists.snappy.parquet",
        "fixed_length_decimal.parquet"
    })
    void decodesAsDuckDbDoes(String name) {
        for (int chunkRows : new int[] {7, 1024}) {
            ParquetTestSupport.assertSameAsDuckDb(ParquetTestSupport.resource(name), chunkRows);
        }
    }

    @Test
    void byteStreamSplitOfFixedLengthBinaryEqualsItsPlainTwin() {
        // DuckDB cannot decode BYTE_STREAM_SPLIT of FIXED_LEN_BYTE_ARRAY: that column is checked against its PLAIN twin
        for (int chunkRows : new int[] {7, 1024}) {
            ParquetTestSupport.assertSameAsDuckDbExcept(ParquetTestSupport.resource("byte_stream_split_extended.gzip.parquet"), chunkRows,
                    Map.of("flba5_byte_stream_split", "flba5_plain", "decimal_byte_stream_split", "decimal_plain"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"datapage_v1-corrupt-checksum.parquet", "rle-dict-uncompressed-corrupt-checksum.parquet"})
    void corruptChecksumFailsNamingFileAndColumn(String name) {
        ParquetSource src = ParquetSource.open(ParquetTestSupport.resource(name).toString());
        ParquetFormatException e = assertThrows(ParquetFormatException.class, () -> ParquetTestSupport.read(src, 1024));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains(name), e.getMessage());
        assertTrue(e.getMessage().contains("column '"), e.getMessage());
        assertTrue(e.getMessage().contains("row group 0"), e.getMessage());
    }

    @Test
    void nestedColumnsAreListedNotReadAndDecimalsAreRead() {
        ParquetSource nested = ParquetSource.open(ParquetTestSupport.resource("nested_lists.snappy.parquet").toString());
        assertFalse(nested.unsupportedColumns().isEmpty());
        assertTrue(nested.describe().contains("skipped"), nested.describe());
        ParquetSource dec = ParquetSource.open(ParquetTestSupport.resource("fixed_length_decimal.parquet").toString());
        assertEquals(List.of(), dec.unsupportedColumns());
        assertEquals(org.spillway.spill.DataType.decimal(25, 2), dec.schema().type(0));
        ParquetTestSupport.assertSameAsDuckDb(ParquetTestSupport.resource("fixed_length_decimal.parquet"), 10);
    }

    @Test
    void brotliMapFileOpensAndItsMapIsUnsupported() {
        ParquetSource src = ParquetSource.open(ParquetTestSupport.resource("large_string_map.brotli.parquet").toString());
        assertEquals(1, src.unsupportedColumns().size(), src.unsupportedColumns().toString());
        assertTrue(src.unsupportedColumns().getFirst().contains("MAP"), src.unsupportedColumns().toString());
    }

    @Test
    void int96AndCounters() {
        ParquetSource src = ParquetSource.open(ParquetTestSupport.resource("int96_from_spark.parquet").toString());
        assertEquals(DataType.TIMESTAMP, src.schema().type(0));
        Map<String, Long> counts = new TreeMap<>();
        List<List<Object>> rows = ParquetTestSupport.read(src, ParquetTestSupport.all(src.schema()), 100, counts);
        // the values the file's documentation gives (DuckDB overflows on the last one)
        long[] micros = {1704141296123456L, 1704070800000000L, 253402225200000000L, 1735599600000000L, 0, 9089380393200000000L};
        assertEquals(6, rows.size());
        for (int i = 0; i < 6; i++) {
            Object expected = i == 4 ? null
                    : java.time.Instant.ofEpochSecond(Math.floorDiv(micros[i], 1_000_000L), Math.floorMod(micros[i], 1_000_000L) * 1000);
            assertEquals(expected, rows.get(i).getFirst(), "row " + i);
        }
        assertEquals(src.rowGroups().size(), counts.get("parquet.rowGroupsRead"));
        assertTrue(counts.get("parquet.pagesRead") > 0);
        assertTrue(counts.get("parquet.bytesRead") > 0);
    }
}

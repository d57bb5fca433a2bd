package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spillway.frame.testkit.DuckOracle;

/** {@link ParquetRecords} on files DuckDB writes with structs, lists and maps, compared with DuckDB. */
class ParquetRecordsTest {
    @TempDir
    Path tmp;

    /** Structs, lists (of structs, of lists, empty, null, null elements), maps (empty, null, null values), decimals, dates, timestamps. */
    private static final String NESTED = """
            SELECT i AS id,
              CASE WHEN i % 5 = 0 THEN NULL ELSE {'a': i, 'b': 'x' || i, 'c': CASE WHEN i % 3 = 0 THEN NULL ELSE i * 1.5 END} END AS s,
              CASE WHEN i % 7 = 0 THEN NULL WHEN i % 4 = 0 THEN []::INTEGER[] ELSE [i, NULL, i + 1] END AS l,
              CASE WHEN i % 9 = 0 THEN NULL ELSE [{'k': i, 'v': 'v' || (i % 10)}, NULL, {'k': NULL, 'v': NULL}] END AS ls,
              CASE WHEN i % 6 = 0 THEN NULL WHEN i % 4 = 1 THEN MAP([]::VARCHAR[], []::INTEGER[])
                   ELSE MAP(['k' || i, 'n'], [i::INTEGER, NULL]) END AS m,
              {'inner': CASE WHEN i % 2 = 0 THEN NULL ELSE {'x': i, 'y': [i, i]} END, 'z': 'z' || (i % 3)} AS nested,
              [[i, i + 1], [], NULL] AS ll,
              MAP([i, i + 1], [[i]::INTEGER[], NULL]) AS mil,
              (i * 1.25)::DECIMAL(10, 2) AS d, (i * 12345678.9 - 1e9)::DECIMAL(30, 3) AS dwide, (i % 100 - 50)::DECIMAL(4, 1) AS dsmall,
              DATE '1969-12-25' + i::INTEGER AS dt,
              TIMESTAMPTZ '2020-01-01 00:00:00+00' + INTERVAL (i * 1000003) MICROSECOND AS ts,
              TIMESTAMP '1960-01-01 00:00:00' + INTERVAL (i) SECOND AS ntz,
              i % 2 = 0 AS flag, i::DOUBLE / 3 AS dbl, (i % 100)::FLOAT AS f, (i % 120)::TINYINT AS tiny, 'x'::BLOB AS blob
            FROM range(0, ROWS) r(i)""";

    private Path write(String name, String select, String options) {
        Path f = tmp.resolve(name);
        DuckOracle.execute("COPY (" + select + ") TO " + ParquetTestSupport.sqlPath(f) + " (FORMAT parquet" + options + ")");
        return f;
    }

    /**
     * Every codec DuckDB writes, with its V1 and V2 settings (DuckDB 2.0 writes DATA_PAGE headers either
     * way; V2 switches to DELTA_BINARY_PACKED / DELTA_LENGTH_BYTE_ARRAY / BYTE_STREAM_SPLIT values: data
     * page v2 headers are covered by the parquet-testing files in {@link ParquetRecordsFilesTest}).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ZSTD|V1|", "SNAPPY|V1|", "UNCOMPRESSED|V1|", "GZIP|V1|", "LZ4_RAW|V1|",
        "ZSTD|V2|", "SNAPPY|V2|", "UNCOMPRESSED|V2|"})
    void nestedColumnsSameAsDuckDb(String codec, String version) {
        Path f = write("nested-" + codec + version + ".parquet", NESTED.replace("ROWS", "3000"),
                ", COMPRESSION " + codec + ", PARQUET_VERSION " + version + ", ROW_GROUP_SIZE 1000");
        assertTrue(ParquetFile.open(f).meta.getRow_groupsSize() > 1, "several row groups");
        RecordsOracle.assertMatchesDuckDb(f, null);
        RecordsOracle.assertMatchesDuckDb(f, Set.of("ls", "m", "dwide"));
    }

    @Test
    void valuesHaveSpillwayTypes() {
        Path f = write("types.parquet", NESTED.replace("ROWS", "20"), "");
        List<Map<String, Object>> rows = ParquetRecords.read(f);
        Map<String, Object> r = rows.get(3);
        assertEquals(List.of("id", "s", "l", "ls", "m", "nested", "ll", "mil", "d", "dwide", "dsmall", "dt", "ts", "ntz", "flag", "dbl", "f",
                "tiny", "blob"), List.copyOf(r.keySet()));
        assertEquals(3L, r.get("id"));
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("a", 3L);
        s.put("b", "x3");
        s.put("c", null);
        assertEquals(s, r.get("s"));
        assertEquals(java.util.Arrays.asList(3L, null, 4L), r.get("l"));
        assertEquals(new BigDecimal("3.75"), r.get("d"));
        assertEquals(new BigDecimal("-962962963.300"), r.get("dwide"));
        assertEquals(new BigDecimal("-47.0"), r.get("dsmall"));
        assertEquals(LocalDate.of(1969, 12, 28), r.get("dt"));
        assertEquals(Instant.parse("2020-01-01T00:00:03.000009Z"), r.get("ts"));
        assertEquals(java.time.LocalDateTime.of(1960, 1, 1, 0, 0, 3), r.get("ntz"));
        assertEquals(Boolean.FALSE, r.get("flag"));
        assertEquals(1.0, r.get("dbl"));
        assertEquals(3.0f, r.get("f"));
        assertEquals(3, r.get("tiny"));
        assertInstanceOf(byte[].class, r.get("blob"));
        assertNull(rows.get(0).get("s"));
        assertNull(rows.get(7).get("l"));
        assertEquals(List.of(), rows.get(4).get("l"));
        assertEquals(Map.of(), rows.get(1).get("m"));
        assertNull(rows.get(6).get("m"));
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put("k3", 3);
        m.put("n", null);
        assertEquals(m, r.get("m"));
        assertEquals("[{k=3, v=v3}, null, {k=null, v=null}]", r.get("ls").toString());
        assertEquals("{inner={x=3, y=[3, 3]}, z=z0}", r.get("nested").toString());
        assertEquals("{inner=null, z=z2}", rows.get(2).get("nested").toString());
        assertEquals("[[3, 4], [], null]", r.get("ll").toString());
    }

    /** A Delta checkpoint's shape: add / remove / metaData / protocol structs, one action per row. */
    private static final String CHECKPOINT = """
            SELECT
              CASE WHEN i >= 2 AND i % 2 = 0 THEN {'path': 'date=2024-01-0' || (i % 9 + 1) || '/part-' || i || '.parquet',
                'partitionValues': MAP(['date'], ['2024-01-0' || (i % 9 + 1)]), 'size': i * 1000, 'modificationTime': 1700000000000 + i,
                'dataChange': true, 'stats': '{"numRecords":' || i || '}', 'tags': NULL::MAP(VARCHAR, VARCHAR),
                'deletionVector': CASE WHEN i % 4 = 0 THEN {'storageType': 'u', 'pathOrInlineDv': 'ab^-aqEH.-t@S}K{vb[*k^',
                  'offset': 1::INTEGER, 'sizeInBytes': 36::INTEGER, 'cardinality': (i / 4)::BIGINT} ELSE NULL END} END AS add,
              CASE WHEN i >= 2 AND i % 2 = 1 THEN {'path': 'part-' || i || '.parquet', 'deletionTimestamp': 1700000000000 + i,
                'dataChange': false, 'extendedFileMetadata': true, 'partitionValues': MAP(['date'], [NULL::VARCHAR]), 'size': i} END AS remove,
              CASE WHEN i = 0 THEN {'id': 'abc', 'name': NULL::VARCHAR, 'format': {'provider': 'parquet',
                'options': MAP([]::VARCHAR[], []::VARCHAR[])}, 'schemaString': '{"type":"struct","fields":[]}', 'partitionColumns': ['date'],
                'configuration': MAP(['delta.enableDeletionVectors', 'delta.checkpointPolicy'], ['true', 'v2']), 'createdTime': 123}
                END AS metaData,
              CASE WHEN i = 1 THEN {'minReaderVersion': 3, 'minWriterVersion': 7, 'readerFeatures': ['deletionVectors'],
                'writerFeatures': ['deletionVectors', 'v2Checkpoint']} END AS protocol
            FROM range(0, ROWS) r(i)""";

    @Test
    void deltaCheckpointShapedFile() {
        Path f = write("00000000000000000010.checkpoint.parquet", CHECKPOINT.replace("ROWS", "2000"), ", ROW_GROUP_SIZE 500");
        List<Map<String, Object>> rows = ParquetRecords.read(f, Set.of("add", "remove"));
        assertEquals(2000, rows.size());
        assertEquals(List.of("add", "remove"), List.copyOf(rows.get(0).keySet()));
        Map<?, ?> add = (Map<?, ?>) rows.get(8).get("add");
        assertNull(rows.get(8).get("remove"));
        assertEquals("date=2024-01-09/part-8.parquet", add.get("path"));
        assertEquals(Map.of("date", "2024-01-09"), add.get("partitionValues"));
        assertEquals(8000L, ((Number) add.get("size")).longValue());
        assertEquals(1700000000008L, add.get("modificationTime"));
        assertEquals(true, add.get("dataChange"));
        assertEquals("{\"numRecords\":8}", add.get("stats"));
        assertNull(add.get("tags"));
        Map<String, Object> dv = new LinkedHashMap<>();
        dv.put("storageType", "u");
        dv.put("pathOrInlineDv", "ab^-aqEH.-t@S}K{vb[*k^");
        dv.put("offset", 1);
        dv.put("sizeInBytes", 36);
        dv.put("cardinality", 2L);
        assertEquals(dv, add.get("deletionVector"));
        assertNull(((Map<?, ?>) rows.get(10).get("add")).get("deletionVector"));
        Map<?, ?> remove = (Map<?, ?>) rows.get(9).get("remove");
        assertEquals(false, remove.get("dataChange"));
        Map<Object, Object> nullValue = new LinkedHashMap<>();
        nullValue.put("date", null);
        assertEquals(nullValue, remove.get("partitionValues"));

        // the same fields as DuckDB reads them, row by row
        List<List<Object>> duck = DuckOracle.query("SELECT add.path, add.size, add.partitionValues['date'], add.deletionVector.cardinality,"
                + " remove.path FROM read_parquet(" + ParquetTestSupport.sqlPath(f) + ")");
        for (int i = 0; i < rows.size(); i++) {
            Map<?, ?> a = (Map<?, ?>) rows.get(i).get("add");
            Map<?, ?> rm = (Map<?, ?>) rows.get(i).get("remove");
            Map<?, ?> dvi = a == null ? null : (Map<?, ?>) a.get("deletionVector");
            List<Object> ours = java.util.Arrays.asList(a == null ? null : a.get("path"), a == null ? null : a.get("size"),
                    a == null ? null : ((Map<?, ?>) a.get("partitionValues")).get("date"), dvi == null ? null : dvi.get("cardinality"),
                    rm == null ? null : rm.get("path"));
            assertEquals(duck.get(i), normalise(ours), "row " + i);
        }

        Map<String, Object> meta = ParquetRecords.read(f, Set.of("metaData", "protocol")).get(0);
        assertEquals("{id=abc, name=null, format={provider=parquet, options={}}, schemaString={\"type\":\"struct\",\"fields\":[]},"
                + " partitionColumns=[date], configuration={delta.enableDeletionVectors=true, delta.checkpointPolicy=v2}, createdTime=123}",
                meta.get("metaData").toString());
        assertNull(meta.get("protocol"));
        assertEquals("{minReaderVersion=3, minWriterVersion=7, readerFeatures=[deletionVectors], writerFeatures=[deletionVectors, v2Checkpoint]}",
                ParquetRecords.read(f, Set.of("protocol")).get(1).get("protocol").toString());
        RecordsOracle.assertMatchesDuckDb(f, null);
    }

    private static List<Object> normalise(List<Object> values) {
        return values.stream().map(v -> DuckOracle.normalise(v)).toList();
    }
}

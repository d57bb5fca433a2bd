package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.spillway.frame.io.parquet.RecordsFileWriter.field;
import static org.spillway.frame.io.parquet.RecordsFileWriter.group;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spillway.frame.io.ParquetWriteOptions.Codec;

/**
 * {@link ParquetRecords} on files written by parquet-column's own writers (data pages v1 and v2,
 * small pages, dictionaries falling back to plain) with the legacy list shapes of LogicalTypes.md
 * (rule 2: a repeated group of several fields; rule 4: {@code <name>_tuple}; rule 5: Hive's
 * {@code bag}), the 3-level form with a struct holding an unannotated repeated field, a map of lists,
 * and a top-level repeated field: compared with values built alongside the records. Skipped unless
 * JTS is on the test class path (see {@link #jts()}).
 */
class ParquetRecordsLegacyTest {
    @TempDir
    Path tmp;

    private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
            message m {
              required int32 id;
              optional group pairs (LIST) { repeated group pair { required int32 a; optional binary b (UTF8); } }
              optional group bag (LIST) { repeated group bag { optional int32 array_element; } }
              optional group tup (LIST) { repeated group tup_tuple { required binary s (UTF8); } }
              optional group std (LIST) { repeated group list { optional group element { optional int64 x; repeated int32 ys; } } }
              optional group mp (MAP) {
                repeated group key_value {
                  required binary key (UTF8);
                  optional group value (LIST) { repeated group list { optional double element; } }
                }
              }
              repeated binary tags (UTF8);
            }""");

    /** Whether JTS is on the class path (parquet-column's statistics, which its writers always create, need it). */
    private static boolean jts() {
        try {
            Class.forName("org.locationtech.jts.io.ParseException");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Writes record {@code i} and returns what it should read as. */
    private static Map<String, Object> record(RecordConsumer rc, int i) {
        Map<String, Object> row = new LinkedHashMap<>();
        field(rc, "id", 0, () -> rc.addInteger(i));
        row.put("id", i);
        List<Object> pairs = null;
        if (i % 5 != 0) {
            pairs = new ArrayList<>();
            List<Object> p = pairs;
            field(rc, "pairs", 1, () -> group(rc, () -> {
                if (i % 3 > 0) {
                    field(rc, "pair", 0, () -> {
                        for (int j = 0; j < i % 3; j++) {
                            int a = i + j;
                            String b = j == 1 ? null : "b" + (i % 7);
                            group(rc, () -> {
                                field(rc, "a", 0, () -> rc.addInteger(a));
                                if (b != null) {
                                    field(rc, "b", 1, () -> rc.addBinary(Binary.fromString(b)));
                                }
                            });
                            p.add(map("a", a, "b", b));
                        }
                    });
                }
            }));
        }
        row.put("pairs", pairs);
        List<Object> bag = i % 4 == 0 ? null : Arrays.asList(i, null, i % 11);
        if (bag != null) {
            field(rc, "bag", 2, () -> group(rc, () -> field(rc, "bag", 0, () -> {
                for (Object v : bag) {
                    group(rc, () -> {
                        if (v != null) {
                            field(rc, "array_element", 0, () -> rc.addInteger((Integer) v));
                        }
                    });
                }
            })));
        }
        row.put("bag", bag);
        List<Object> tup = i % 6 == 0 ? null : List.of(map("s", "s" + i), map("s", "t"));
        if (tup != null) {
            field(rc, "tup", 3, () -> group(rc, () -> field(rc, "tup_tuple", 0, () -> {
                group(rc, () -> field(rc, "s", 0, () -> rc.addBinary(Binary.fromString("s" + i))));
                group(rc, () -> field(rc, "s", 0, () -> rc.addBinary(Binary.fromString("t"))));
            })));
        }
        row.put("tup", tup);
        List<Object> std = i % 7 == 0 ? null : Arrays.asList(map("x", (long) i, "ys", List.of(i, i + 1)), null, map("x", null, "ys", List.of()));
        if (std != null) {
            field(rc, "std", 4, () -> group(rc, () -> field(rc, "list", 0, () -> {
                group(rc, () -> field(rc, "element", 0, () -> group(rc, () -> {
                    field(rc, "x", 0, () -> rc.addLong(i));
                    field(rc, "ys", 1, () -> {
                        rc.addInteger(i);
                        rc.addInteger(i + 1);
                    });
                })));
                group(rc, () -> { });
                group(rc, () -> field(rc, "element", 0, () -> group(rc, () -> { })));
            })));
        }
        row.put("std", std);
        Map<String, Object> mp = null;
        if (i % 3 != 0) {
            String k = "k" + (i % 13);
            mp = map(k, Arrays.asList(1.5 * i, null), "e", List.of(), "n", null);
            field(rc, "mp", 5, () -> group(rc, () -> field(rc, "key_value", 0, () -> {
                group(rc, () -> {
                    field(rc, "key", 0, () -> rc.addBinary(Binary.fromString(k)));
                    field(rc, "value", 1, () -> group(rc, () -> field(rc, "list", 0, () -> {
                        group(rc, () -> field(rc, "element", 0, () -> rc.addDouble(1.5 * i)));
                        group(rc, () -> { });
                    })));
                });
                group(rc, () -> {
                    field(rc, "key", 0, () -> rc.addBinary(Binary.fromString("e")));
                    field(rc, "value", 1, () -> group(rc, () -> { }));
                });
                group(rc, () -> field(rc, "key", 0, () -> rc.addBinary(Binary.fromString("n"))));
            })));
        }
        row.put("mp", mp);
        List<Object> tags = i % 2 == 0 ? List.of() : List.of("t" + (i % 4), "u");
        if (!tags.isEmpty()) {
            field(rc, "tags", 6, () -> tags.forEach(t -> rc.addBinary(Binary.fromString((String) t))));
        }
        row.put("tags", tags);
        return row;
    }

    @ParameterizedTest
    @CsvSource({"true, ZSTD", "true, SNAPPY", "true, UNCOMPRESSED", "false, GZIP", "false, UNCOMPRESSED"})
    void legacyShapesAndPageVersions(boolean v2, Codec codec) throws IOException {
        assumeTrue(jts(), "parquet-column's writers need JTS (excluded from the build): run with -Dmaven.test.additionalClasspath="
                + "<local repo>/org/locationtech/jts/jts-core/1.20.0/jts-core-1.20.0.jar");
        int rows = 700;
        List<Map<String, Object>> expected = new ArrayList<>();
        Path f = tmp.resolve("legacy.parquet");
        RecordsFileWriter.write(f, SCHEMA, rows, 300, v2, codec, (rc, i) -> expected.add(record(rc, i)));
        assertEquals(3, ParquetFile.open(f).meta.getRow_groupsSize());
        List<Map<String, Object>> ours = ParquetRecords.read(f);
        assertEquals(rows, ours.size());
        for (int i = 0; i < rows; i++) {
            assertEquals(expected.get(i), ours.get(i), "row " + i);
            assertEquals(List.copyOf(expected.get(i).keySet()), List.copyOf(ours.get(i).keySet()), "row " + i);
        }
        List<Map<String, Object>> some = ParquetRecords.read(f, Set.of("tags", "mp"));
        for (int i = 0; i < rows; i++) {
            assertEquals(map("mp", expected.get(i).get("mp"), "tags", expected.get(i).get("tags")), some.get(i), "row " + i);
        }
    }
}

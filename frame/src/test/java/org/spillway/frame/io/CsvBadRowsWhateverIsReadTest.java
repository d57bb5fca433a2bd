package org.spillway.frame.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.io.CsvTestSupport.writeBytes;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.plan.LogicalPlan;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;

/**
 * Under the lenient bad-row policies a row is judged on all its columns, so every query over a CSV file sees the same
 * rows and adds the same number to {@link CsvSource#badRowCount()}, whichever columns it reads.
 */
@SpillwayTest
class CsvBadRowsWhateverIsReadTest {
    SpillwaySessions sessions;

    @TempDir
    Path dir;

    private static final int ROWS = 200_010;

    /**
     * id,v,w,s with one bad thing of each kind in different columns, spread over the file: an unparsable int in v
     * (row 100,001), an unparsable float in w, too few and too many fields, text after a closing quote, and
     * ill-formed UTF-8 in the string column s. Returns the ids of the rows that are bad under SKIP.
     */
    private Path file(Set<Integer> bad) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ROWS * 24);
        out.writeBytes("id,v,w,s\n".getBytes(StandardCharsets.US_ASCII));
        for (int i = 1; i <= ROWS; i++) {
            String line;
            switch (i) {
                case 100_001 -> line = i + ",x," + i + ".5,s" + i; // unparsable value in v
                case 150_000 -> line = i + "," + i + ",abc,s" + i; // unparsable value in w
                case 50_000 -> line = i + "," + i + "," + i + ".5"; // too few fields
                case 170_000 -> line = i + "," + i + "," + i + ".5,s,extra"; // too many fields
                case 20 -> line = i + "," + i + "," + i + ".5,\"q\"junk"; // text after the closing quote
                default -> line = null;
            }
            if (i == 190_000) {
                out.writeBytes((i + "," + i + "," + i + ".5,caf").getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(new byte[] {(byte) 0xC3, '(', '\n'}); // ill-formed UTF-8 in s
                bad.add(i);
                continue;
            }
            if (line != null) {
                bad.add(i);
            } else {
                line = i + "," + i + "," + i + ".5,s" + i;
            }
            out.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return writeBytes(dir, "bad.csv", out.toByteArray());
    }

    private static CsvSource sourceOf(DataFrame df) {
        return ((LogicalPlan.CsvScan) df.plan()).source();
    }

    @Test
    void skipDropsTheSameRowsWhateverAQueryReads() {
        Set<Integer> bad = new HashSet<>();
        Path f = file(bad);
        assertEquals(6, bad.size());
        CsvOptions opts = CsvOptions.defaults().columnType("v", DataType.INT32).columnType("w", DataType.FLOAT64)
                .onBadRow(BadRowPolicy.SKIP).splitBytes(256 << 10); // about 20 splits, each several chunks
        try (Spillway sw = sessions.open("64m", 2, 4_096)) {
            DataFrame df = sw.readCsv(f, opts);
            CsvSource src = sourceOf(df);
            assertTrue(src.splits().size() > 10, "splits: " + src.splits().size());
            long expected = ROWS - bad.size();
            // each query reads all the file and must drop the same six rows, counting each once
            @SuppressWarnings("unchecked")
            Function<DataFrame, Long>[] queries = new Function[] {
                (Function<DataFrame, Long>) DataFrame::count,
                (Function<DataFrame, Long>) d -> d.collect().count(),
                (Function<DataFrame, Long>) d -> d.select("v").count(),
                (Function<DataFrame, Long>) d -> d.select("id").count(),
                (Function<DataFrame, Long>) d -> d.select("s").collect().count(),
                (Function<DataFrame, Long>) d -> d.filter(col("id").geq(0)).count(),
                (Function<DataFrame, Long>) d -> d.filter(col("w").geq(0)).select("id").collect().count(),
            };
            for (int q = 0; q < queries.length; q++) {
                long before = src.badRowCount();
                long counted = sw.counters().getOrDefault("csv.badRows", 0L);
                assertEquals(expected, queries[q].apply(df), "query " + q);
                assertEquals(bad.size(), src.badRowCount() - before, "bad rows counted by query " + q);
                assertEquals(bad.size(), sw.counters().get("csv.badRows") - counted, "the session's counter, query " + q);
            }
            // and the very rows kept are the same: the ids read alone are the ids of the good rows
            int[] ids = df.select("id").intColumn("id");
            assertEquals(expected, ids.length);
            Set<Integer> seen = new HashSet<>();
            for (int id : ids) {
                seen.add(id);
            }
            for (int b : bad) {
                assertTrue(!seen.contains(b), "row " + b + " is bad but was kept");
            }
            assertEquals(expected, seen.size());
        }
    }

    @Test
    void nullKeepsTheSameRowsAndCountsTheSameWhateverAQueryReads() {
        Set<Integer> bad = new HashSet<>();
        Path f = file(bad);
        CsvOptions opts = CsvOptions.defaults().columnType("v", DataType.INT32).columnType("w", DataType.FLOAT64)
                .onBadRow(BadRowPolicy.NULL).splitBytes(256 << 10);
        try (Spillway sw = sessions.open("64m", 2, 4_096)) {
            DataFrame df = sw.readCsv(f, opts);
            CsvSource src = sourceOf(df);
            long expected = ROWS - 3; // the rows with the wrong field count or junk after a quote are dropped
            long before = src.badRowCount();
            assertEquals(expected, df.count());
            assertEquals(6, src.badRowCount() - before, "3 dropped + 3 with a bad value read as null");
            before = src.badRowCount();
            assertEquals(expected, df.select("id").collect().count());
            assertEquals(6, src.badRowCount() - before);
            before = src.badRowCount();
            DataFrame all = df.collect();
            assertEquals(6, src.badRowCount() - before);
            assertEquals(expected, all.count());
            assertEquals(1, all.filter(col("v").isNull()).count());
            assertEquals(1, all.filter(col("w").isNull()).count());
            assertEquals(1, all.filter(col("s").isNull()).count()); // the ill-formed one
            assertEquals(Arrays.asList(190_000), Arrays.stream(all.filter(col("s").isNull()).intColumn("id")).boxed().toList());
        }
    }

    @Test
    void failStopsOnlyOnWhatAQueryReads() {
        Set<Integer> bad = new HashSet<>();
        Path f = file(bad);
        CsvOptions opts = CsvOptions.defaults().columnType("v", DataType.INT32).columnType("w", DataType.FLOAT64)
                .splitBytes(256 << 10);
        try (Spillway sw = sessions.open("64m", 2, 4_096)) {
            DataFrame df = sw.readCsv(f, opts);
            // the first problem in row order that the query meets: the junk after a quote is found by any query
            CsvFormatException e = assertThrows(CsvFormatException.class, df::count);
            assertEquals(21, e.line());
            CsvFormatException e2 = assertThrows(CsvFormatException.class, () -> df.select("v").collect());
            assertEquals(21, e2.line());
        }
    }
}

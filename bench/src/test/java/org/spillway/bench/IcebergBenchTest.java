package org.spillway.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./spillway bench iceberg} at a tiny scale: the table is made, checked by iceberg-core, scanned, and kept for a rerun. */
class IcebergBenchTest {
    @TempDir
    Path dir;

    @Test
    void generatesChecksScansAndReusesTheTable() throws Exception {
        var c = new IcebergBench.Config(200_000, 60_000, 0.05, 2, "256m", 1, dir);
        String first = run(c);
        for (String line : List.of("4 data files of up to 60,000 rows", "committed with iceberg-core",
                "iceberg-core plans 4 data files (200,000 rows) with 4 position delete files (10,000 deletes);"
                        + " its reader (IcebergGenerics) returns 190,000 rows (right)",
                "readIceberg(dir).count() = 190,000", "parquet.rowsDeleted=10000", "agg(count, sum id, sum k, sum v)",
                "groupBy(k).agg(count, sum id, sum v)", "groupBy(s).agg(count, sum id, sum k, sum v)")) {
            assertTrue(first.contains(line), line + " in\n" + first);
        }
        String second = run(c);
        assertTrue(second.contains("kept from an earlier run"), second);
    }

    @Test
    void positionsAreDistinctSortedAndExactlyM() {
        long[] p = IcebergBenchTable.positions(1_000, 50, new SplittableRandom(1));
        assertEquals(50, p.length);
        for (int i = 1; i < p.length; i++) {
            assertTrue(p[i - 1] < p[i]);
        }
        assertTrue(p[p.length - 1] < 1_000);
        assertArrayEquals(new long[] {0, 1, 2}, IcebergBenchTable.positions(3, 3, new SplittableRandom(1)));
    }

    private static String run(IcebergBench.Config c) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = IcebergBench.run(c, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, out);
        assertTrue(out.contains("checks: all held"), out);
        return out;
    }
}

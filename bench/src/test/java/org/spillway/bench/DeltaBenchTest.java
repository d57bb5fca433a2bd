package org.spillway.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./spillway bench delta} at a tiny scale: every part runs, its checks hold and its lines are printed. */
class DeltaBenchTest {
    @TempDir
    Path dir;

    @Test
    void everyPartRunsAndItsChecksHold() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        var c = new DeltaBench.Config(50_000, 1_000, 12, 2, "256m", 2, new java.util.LinkedHashSet<>(DeltaBench.Config.PARTS), dir,
                false);
        int status = DeltaBench.run(c, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, out);
        assertTrue(out.contains("checks: all held"), out);
        for (String line : List.of("write dv", "write cow", "delete dv   run 2", "delete cow  run 2", "merge  dv   run 2",
                "merge  cow  run 2", "numDeletionVectorsAdded\":\"1\"", "updated 900 inserted 100 (as expected)",
                "forPath(p).version() + toDF().schema()", "forPath(p).toDF().count() = 120")) {
            assertTrue(out.contains(line), line + " in\n" + out);
        }
        try (var l = Files.list(dir.resolve("delta-bench"))) {
            assertEquals(0, l.count(), "the tables are deleted without --keep");
        }
    }

    @Test
    void updateKeysAreUniqueNineInTenExisting() {
        long n = 1_000_000;
        long m = 10_000;
        LongUnaryOperator k = DeltaBench.updateKeys(n, m);
        Set<Long> seen = new HashSet<>();
        long existing = 0;
        for (long j = 0; j < m; j++) {
            long key = k.applyAsLong(j);
            assertTrue(seen.add(key), "unique");
            if (key < n) {
                existing++;
                assertEquals(j, key / (n / m), "one key in each stride of the table");
            }
        }
        assertEquals(9_000, existing);
        assertFalse(seen.contains(-1L));
    }
}

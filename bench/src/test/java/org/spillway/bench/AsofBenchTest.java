package org.spillway.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./spillway bench asof}'s code path on small data: both engines agree (exit status 0). Speed is not asserted. */
class AsofBenchTest {
    @TempDir
    Path dir;

    @Test
    void spillwayAndDuckDbAgreeOnTheAsofJoin() throws Exception {
        assertEquals(0, AsofBench.run(5_000, 50_000, 200, 2, "64m", dir));
        assertTrue(Files.exists(dir.resolve("asof-labels-5000-200.parquet")));
        assertTrue(Files.exists(dir.resolve("asof-features-50000-200.parquet")));
        // the files are kept and read again
        assertEquals(0, AsofBench.run(5_000, 50_000, 200, 1, "64m", dir));
    }
}

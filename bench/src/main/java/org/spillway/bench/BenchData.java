package org.spillway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.spillway.datasets.Events;

/** Generated inputs shared by the benchmarks, cached under {@code java.io.tmpdir/spillway-bench}. */
public final class BenchData {
    private BenchData() {
    }

    /** The events CSV with {@code rows} rows (one file), generated once and reused. */
    public static Path eventsCsv(long rows) throws IOException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "spillway-bench", "events-" + rows);
        Path file = dir.resolve(Events.fileName(0, 1));
        Path done = dir.resolve(".complete");
        if (!Files.exists(done)) {
            Files.createDirectories(dir);
            Events.rows(rows).seed(42).writeCsv(dir, 1);
            Files.writeString(done, "ok");
        }
        return file;
    }
}

package org.spillway.frame.io.parquet;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.datasets.Events;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.frame.io.ParquetWriteOptions.Codec;

/**
 * A measurement, not a check: writes a collected 1e6-row events frame with every codec and prints
 * time and size next to DuckDB's {@code COPY ... TO} of the same table. Run with
 * {@code -Dspillway.parquet.bench=true -Dtest=ParquetWriteSpeedTest}.
 */
@EnabledIfSystemProperty(named = "spillway.parquet.bench", matches = "true")
class ParquetWriteSpeedTest {
    @TempDir
    Path dir;

    @Test
    void measure() throws Exception {
        int rows = Integer.getInteger("spillway.parquet.rows", 1_000_000);
        Path csv = dir.resolve("events.csv");
        Events.rows(rows).writeCsv(csv);
        try (Spillway sw = Spillway.builder().memoryLimit("1g").build();
             java.sql.Connection duckdb = java.sql.DriverManager.getConnection("jdbc:duckdb:");
             java.sql.Statement st = duckdb.createStatement()) {
            DataFrame df = sw.readCsv(csv.toString()).collect();
            long mem = sw.budget().used();
            System.out.printf("frame: %d rows, %d columns, %.1f MB in memory, %d workers%n", rows, df.columns().size(), mem / 1e6,
                    sw.parallelism());
            Path ref = dir.resolve("ref.parquet");
            df.writeParquet(ref, ParquetWriteOptions.defaults());
            st.execute("CREATE OR REPLACE TABLE bench AS SELECT * FROM '" + ref + "'");
            for (Codec c : Codec.values()) {
                Path f = dir.resolve(c + ".parquet");
                long best = Long.MAX_VALUE;
                for (int rep = 0; rep < 3; rep++) {
                    long t0 = System.nanoTime();
                    df.writeParquet(f, ParquetWriteOptions.defaults().withCodec(c));
                    best = Math.min(best, System.nanoTime() - t0);
                }
                long duck = Long.MAX_VALUE;
                Path g = dir.resolve("duck-" + c + ".parquet");
                for (int rep = 0; rep < 3; rep++) {
                    long t0 = System.nanoTime();
                    st.execute("COPY bench TO '" + g + "' (FORMAT parquet, COMPRESSION " + c.name().toLowerCase() + ")");
                    duck = Math.min(duck, System.nanoTime() - t0);
                }
                System.out.printf("%-12s spillway %6.0f ms %7.1f MB (%5.0f MB/s of memory)   duckdb %6.0f ms %7.1f MB%n", c, best / 1e6,
                        Files.size(f) / 1e6, mem / 1e6 / (best / 1e9), duck / 1e6, Files.size(g) / 1e6);
            }
        }
    }
}
